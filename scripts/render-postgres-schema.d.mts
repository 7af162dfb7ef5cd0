export function renderPostgresSchema(source: string): string;
