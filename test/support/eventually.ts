/** Retries an assertion until it holds or the time is up: for work that lands asynchronously. */
export async function eventually<T>(check: () => Promise<T>, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
