import Link from "next/link";

/** Explains that a section belongs to another role. */
export function RoleNotice({
  section,
  role,
}: {
  section: string;
  role: string;
}) {
  return (
    <section className="card">
      <h1>Sin acceso</h1>
      <p>
        {section} es para usuarios con rol {role}.{" "}
        <Link href="/">Volver al inicio</Link>.
      </p>
    </section>
  );
}
