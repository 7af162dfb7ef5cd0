// Demo data for the embedded default: Argentine prestadores, treatments and
// amounts in ARS, spread over the last three weeks.

export const demoPassword = "demo1234";

export const demoUsers = [
  {
    email: "auditor@example.com",
    name: "Dra. Laura Méndez",
    rol: "auditor_medico",
  },
  {
    email: "auditor2@example.com",
    name: "Dr. Martín Quiroga",
    rol: "auditor_medico",
  },
  {
    email: "administrativo@example.com",
    name: "Sofía Ramírez",
    rol: "administrativo",
  },
  { email: "admin@example.com", name: "Carlos Herrera", rol: "admin" },
] as const;

export const prestadores = [
  "Hospital Italiano de Buenos Aires",
  "Sanatorio Güemes",
  "Hospital Alemán",
  "Clínica Bazterrica",
  "Sanatorio Otamendi",
  "Fundación Favaloro",
  "Hospital Británico",
  "Sanatorio de la Trinidad Palermo",
  "Diagnóstico Maipú",
  "Instituto Alexander Fleming",
  "Clínica Reina Fabiola (Córdoba)",
  "Sanatorio Parque (Rosario)",
];

/** Treatment descriptions with a typical amount range in pesos. */
export const tratamientos: Array<[string, number, number]> = [
  [
    "Prótesis total de cadera cementada, con internación de 3 días",
    9_500_000,
    16_000_000,
  ],
  [
    "Implante coclear unilateral con procesador externo",
    28_000_000,
    42_000_000,
  ],
  [
    "Angioplastia con 2 stents coronarios farmacoactivos",
    12_000_000,
    19_000_000,
  ],
  ["Resonancia magnética de rodilla derecha con contraste", 280_000, 420_000],
  ["PET-CT corporal total con FDG", 950_000, 1_400_000],
  ["Artroscopía de rodilla con reparación meniscal", 3_200_000, 5_100_000],
  [
    "Bypass gástrico laparoscópico, con internación de 4 días",
    14_000_000,
    22_000_000,
  ],
  ["Colocación de marcapasos bicameral", 8_700_000, 13_500_000],
  ["Trastuzumab 440 mg, 6 ciclos", 18_000_000, 27_000_000],
  ["Adalimumab 40 mg, 6 jeringas prellenadas", 4_800_000, 7_200_000],
  ["Dos implantes dentales oseointegrados con coronas", 1_900_000, 2_800_000],
  [
    "Artrodesis lumbar L4-L5 con tornillos transpediculares",
    16_000_000,
    24_000_000,
  ],
  ["Facoemulsificación con lente intraocular multifocal", 2_400_000, 3_600_000],
  ["Tomografía computada de tórax de alta resolución", 190_000, 310_000],
  ["Reemplazo valvular aórtico percutáneo (TAVI)", 48_000_000, 75_000_000],
  [
    "Bomba de infusión continua de insulina con insumos por 3 meses",
    6_500_000,
    9_800_000,
  ],
  ["Radioterapia de intensidad modulada, 30 sesiones", 7_800_000, 11_000_000],
  ["Prótesis total de rodilla izquierda", 9_000_000, 14_500_000],
  ["Audífonos digitales bilaterales retroauriculares", 2_100_000, 3_900_000],
  ["Videoendoscopía digestiva alta con biopsia", 210_000, 340_000],
];

export const afiliados = [
  "María Fernanda Gómez",
  "Juan Pablo Rodríguez",
  "Lucía Martínez",
  "Diego Alejandro Fernández",
  "Valentina López",
  "Santiago Díaz",
  "Camila Pérez",
  "Matías Sánchez",
  "Florencia Romero",
  "Nicolás Torres",
  "Agustina Álvarez",
  "Federico Ruiz",
  "Julieta Benítez",
  "Tomás Acosta",
  "Rocío Medina",
  "Gonzalo Herrera",
  "Micaela Suárez",
  "Facundo Castro",
  "Carolina Ibáñez",
  "Ezequiel Molina",
];
