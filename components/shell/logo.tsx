export function Logo() {
  return (
    <span className="flex items-center gap-2 font-semibold">
      <span
        className="grid size-7 place-items-center rounded-md bg-accent text-sm font-bold text-accent-foreground"
        aria-hidden
      >
        K.
      </span>
      <span className="text-sm leading-tight">
        Partner
        <br />
        <span className="text-muted-foreground">Dashboard</span>
      </span>
    </span>
  );
}
