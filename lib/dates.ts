const dateTimeFormat = new Intl.DateTimeFormat("es-AR", {
  dateStyle: "short",
  timeStyle: "short",
  hourCycle: "h23",
  timeZone: "America/Argentina/Buenos_Aires",
});

/** Formats a date in Buenos Aires time, for example "4/12/26, 15:30". */
export function formatDateTime(value: string | Date): string {
  return dateTimeFormat.format(new Date(value));
}
