export async function register() {
  // The Edge runtime has no database; everything that starts the app is Node-only.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startApp } = await import('@/lib/startup');
  try {
    await startApp();
  } catch (error) {
    console.error(`\n✖ The dashboard cannot start.\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
