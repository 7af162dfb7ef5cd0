// Seeds the demo accounts and presupuestos into an empty database.
// Usage: npm run db:seed
import { createPrismaClient } from "../lib/db/prisma";
import { seedDemoData } from "../lib/db/seed";
import { demoPassword, demoUsers } from "../lib/db/seed-data";
import { getEnv } from "../lib/env";

async function main(): Promise<void> {
  const db = createPrismaClient(getEnv().DATABASE_URL);
  try {
    const seeded = await seedDemoData(db);
    if (!seeded) {
      console.log("The database already has users: nothing seeded.");
      return;
    }
    console.log(
      `Seeded demo data. Every account's password is ${demoPassword}:`,
    );
    for (const user of demoUsers) console.log(`  ${user.email} (${user.rol})`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(
    `Seeding failed: ${(error as Error).message}. Run npm run db:migrate first.`,
  );
  process.exit(1);
});
