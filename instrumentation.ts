export async function register() {
  // The Edge runtime has no database; everything that starts the app is Node-only.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startAppOrExit } = await import('@/lib/startup');
    await startAppOrExit();
  }
}
