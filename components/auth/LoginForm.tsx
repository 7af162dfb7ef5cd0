"use client";

import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";

/** Only same-site paths are followed after sign-in. */
function safeCallback(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//")
    ? value
    : "/";
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    if (email === "" || password === "") {
      setFailure("Escribí tu correo electrónico y tu contraseña.");
      return;
    }
    setFailure(null);
    startTransition(async () => {
      const result = await signIn("credentials", {
        email,
        password,
        redirect: false,
      });
      if (result?.ok && !result.error) {
        router.replace(safeCallback(params.get("callbackUrl")));
        router.refresh();
      } else if (
        result?.status === 401 ||
        result?.error === "CredentialsSignin"
      ) {
        setFailure(
          "Correo o contraseña incorrectos, o la cuenta está desactivada.",
        );
      } else {
        setFailure(
          "No se pudo iniciar sesión. Probá de nuevo en unos segundos.",
        );
      }
    });
  };

  return (
    <form
      className="card form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      <label className="field">
        <span>Correo electrónico</span>
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label className="field">
        <span>Contraseña</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Ingresando…" : "Ingresar"}
      </button>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}
