/** A setting the real-service tests need; missing means the stack is not up, which fails the test. */
export function requireEnv(name: string, service: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: is ${service} up? Run 'npm run services -- up' (npm test does it for you).`,
    );
  }
  return value;
}
