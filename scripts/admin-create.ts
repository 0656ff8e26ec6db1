/**
 * npm run admin:create [-- --email E] [--password P] [--name N] [--founder] [--persist-to DIR]
 * Makes the first admin of the local database: creates the account (email verified) or
 * promotes an existing one. Without --password a strong one is generated and printed once.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { uuidv7 } from "../worker/lib/ids.ts";
import { hashPassword } from "../worker/lib/password.ts";
import { passwordProblems } from "../worker/lib/password-policy.ts";
import { persistArgs, wrangler } from "./wrangler.ts";

const { values } = parseArgs({
  options: {
    email: { type: "string", default: "admin@mundotango.local" },
    password: { type: "string" },
    name: { type: "string", default: "Mundo Tango Admin" },
    founder: { type: "boolean", default: false },
    "persist-to": { type: "string" },
  },
});

const email = values.email.trim().toLowerCase();
if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
  console.error("--email must be an email address.");
  process.exit(2);
}
const password = values.password ?? randomBytes(18).toString("base64url");
const problems = passwordProblems(password, { email, displayName: values.name });
if (problems.length > 0) {
  console.error(`--password: ${problems.join("; ")}`);
  process.exit(2);
}

const sql = (value: string) => `'${value.replace(/'/g, "''")}'`;
const now = new Date().toISOString();
const id = uuidv7();
const handle = `admin_${id.slice(-6)}`;
const roles = values.founder ? ["admin", "founder"] : ["admin"];
const passwordHash = await hashPassword(password);

// Insert the account if it is new, keep an existing one's password unless --password was given.
const statements = [
  `INSERT INTO users (id, email, handle, display_name, password_hash, email_verified_at, created_at) VALUES (${sql(id)}, ${sql(email)}, ${sql(handle)}, ${sql(values.name)}, ${sql(passwordHash)}, ${sql(now)}, ${sql(now)}) ON CONFLICT(email) DO ${values.password ? `UPDATE SET password_hash = excluded.password_hash` : "NOTHING"};`,
  ...["member", ...roles].map(
    (role) => `INSERT INTO user_roles (user_id, role, granted_at) SELECT id, ${sql(role)}, ${sql(now)} FROM users WHERE email = ${sql(email)} ON CONFLICT DO NOTHING;`,
  ),
];
wrangler(["d1", "execute", "DB", "--local", "--command", statements.join("\n"), ...persistArgs(values["persist-to"])]);

console.log(`${email} is now ${roles.join(" and ")} in the local database.`);
if (!values.password) console.log(`Password (shown once; existing accounts keep theirs): ${password}`);
