"use client";

import { useState, useTransition } from "react";
import { useSWRConfig } from "swr";

import type { FieldErrors } from "@/lib/errors";
import { keys } from "@/lib/client/api";
import { formatArs, parseArsInput } from "@/lib/money";
import { createPresupuestoAction } from "@/lib/presupuestos/actions";

const fieldLabels = {
  afiliado: "Afiliado (nombre y apellido)",
  afiliadoNumero: "Número de afiliado",
  prestador: "Prestador",
  monto: "Monto en pesos",
  descripcion: "Descripción del tratamiento",
} as const;

type Field = keyof typeof fieldLabels;

/** Form to load a presupuesto; the server validates it again. */
export function PresupuestoForm() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(
    null,
  );
  const [pending, startTransition] = useTransition();
  const { mutate } = useSWRConfig();

  const submit = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (name: Field) => String(data.get(name) ?? "");
    const monto = parseArsInput(text("monto"));
    // An amount that does not parse is sent as null, so that the server
    // still reports every other field; the hint below replaces its message.
    const montoHint =
      monto === null
        ? ["Monto: escribilo en pesos, por ejemplo 1.234.567,89."]
        : undefined;
    startTransition(async () => {
      const result = await createPresupuestoAction({
        afiliado: text("afiliado"),
        afiliadoNumero: text("afiliadoNumero"),
        prestador: text("prestador"),
        descripcion: text("descripcion"),
        monto,
        urgente: data.get("urgente") === "on",
      });
      if (result.ok) {
        form.reset();
        setErrors({});
        setMessage({
          ok: true,
          text: `Presupuesto ${result.data.numero} cargado por ${formatArs(result.data.monto)}: ya está en la cola de auditoría.`,
        });
        await mutate(keys.presupuestos);
      } else {
        const fields = { ...result.error.fields };
        if (montoHint) fields.monto = montoHint;
        setErrors(fields);
        const hasFields = Object.keys(fields).length > 0;
        setMessage({
          ok: false,
          text: hasFields
            ? "Revisá los campos marcados en rojo."
            : result.error.message,
        });
      }
    });
  };

  const fieldError = (name: Field) =>
    errors[name] && (
      <span className="field-error" id={`${name}-error`}>
        {errors[name].join(" ")}
      </span>
    );

  const input = (
    name: Field,
    props: React.InputHTMLAttributes<HTMLInputElement>,
  ) => (
    <label className="field">
      <span>{fieldLabels[name]}</span>
      <input
        name={name}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
        {...props}
      />
      {fieldError(name)}
    </label>
  );

  return (
    <form
      className="card form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      <h2>Cargar presupuesto</h2>
      {input("afiliado", {
        required: true,
        maxLength: 120,
        autoComplete: "off",
      })}
      {input("afiliadoNumero", {
        required: true,
        maxLength: 30,
        placeholder: "por ejemplo 40123456-01",
      })}
      {input("prestador", { required: true, maxLength: 120 })}
      {input("monto", {
        required: true,
        inputMode: "decimal",
        placeholder: "por ejemplo 1.250.000,50",
      })}
      <label className="field">
        <span>{fieldLabels.descripcion}</span>
        <textarea
          name="descripcion"
          required
          rows={3}
          maxLength={2000}
          aria-invalid={errors.descripcion ? true : undefined}
          aria-describedby={
            errors.descripcion ? "descripcion-error" : undefined
          }
        />
        {fieldError("descripcion")}
      </label>
      <label className="checkbox">
        <input type="checkbox" name="urgente" /> Urgente
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Cargando…" : "Cargar presupuesto"}
      </button>
      {message && (
        <p className={message.ok ? "form-success" : "form-error"} role="status">
          {message.text}
        </p>
      )}
    </form>
  );
}
