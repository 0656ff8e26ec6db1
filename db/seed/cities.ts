/** The demo world's cities: real places, their IANA zones, currencies and a few streets. */
export interface SeedCity {
  slug: string;
  name: string;
  country: string;
  countryCode: string;
  continent: string;
  timeZone: string;
  latitude: number;
  longitude: number;
  currency: string;
  /** A typical milonga entry in major units of `currency`. */
  entryPrice: number;
  /** How big the scene is, relative to a typical city (1): Buenos Aires dances most nights. */
  sceneSize?: number;
  streets: [string, string, string];
}

export const SEED_CITIES: SeedCity[] = [
  { slug: "buenos-aires", sceneSize: 6, name: "Buenos Aires", country: "Argentina", countryCode: "AR", continent: "South America", timeZone: "America/Argentina/Buenos_Aires", latitude: -34.6037, longitude: -58.3816, currency: "ARS", entryPrice: 8000, streets: ["Av. Raúl Scalabrini Ortiz", "Humberto Primo", "Av. Corrientes"] },
  { slug: "montevideo", sceneSize: 2, name: "Montevideo", country: "Uruguay", countryCode: "UY", continent: "South America", timeZone: "America/Montevideo", latitude: -34.9011, longitude: -56.1645, currency: "UYU", entryPrice: 350, streets: ["Av. 18 de Julio", "Calle Soriano", "Bartolomé Mitre"] },
  { slug: "rosario", name: "Rosario", country: "Argentina", countryCode: "AR", continent: "South America", timeZone: "America/Argentina/Cordoba", latitude: -32.9442, longitude: -60.6505, currency: "ARS", entryPrice: 6000, streets: ["Bv. Oroño", "Calle San Lorenzo", "Av. Pellegrini"] },
  { slug: "santiago", name: "Santiago", country: "Chile", countryCode: "CL", continent: "South America", timeZone: "America/Santiago", latitude: -33.4489, longitude: -70.6693, currency: "CLP", entryPrice: 6000, streets: ["Av. Providencia", "Calle Merced", "José Miguel de la Barra"] },
  { slug: "sao-paulo", name: "São Paulo", country: "Brazil", countryCode: "BR", continent: "South America", timeZone: "America/Sao_Paulo", latitude: -23.5505, longitude: -46.6333, currency: "BRL", entryPrice: 50, streets: ["Rua Augusta", "Av. Paulista", "Rua da Consolação"] },
  { slug: "mexico-city", name: "Mexico City", country: "Mexico", countryCode: "MX", continent: "North America", timeZone: "America/Mexico_City", latitude: 19.4326, longitude: -99.1332, currency: "MXN", entryPrice: 200, streets: ["Calle Durango", "Av. Álvaro Obregón", "Calle Colima"] },
  { slug: "new-york", sceneSize: 2, name: "New York", country: "United States", countryCode: "US", continent: "North America", timeZone: "America/New_York", latitude: 40.7128, longitude: -74.006, currency: "USD", entryPrice: 20, streets: ["West 26th Street", "Broadway", "Bleecker Street"] },
  { slug: "san-francisco", name: "San Francisco", country: "United States", countryCode: "US", continent: "North America", timeZone: "America/Los_Angeles", latitude: 37.7749, longitude: -122.4194, currency: "USD", entryPrice: 20, streets: ["Valencia Street", "Market Street", "Mission Street"] },
  { slug: "montreal", name: "Montréal", country: "Canada", countryCode: "CA", continent: "North America", timeZone: "America/Toronto", latitude: 45.5019, longitude: -73.5674, currency: "CAD", entryPrice: 18, streets: ["Rue Saint-Denis", "Boulevard Saint-Laurent", "Rue Sherbrooke"] },
  { slug: "berlin", sceneSize: 3, name: "Berlin", country: "Germany", countryCode: "DE", continent: "Europe", timeZone: "Europe/Berlin", latitude: 52.52, longitude: 13.405, currency: "EUR", entryPrice: 12, streets: ["Oranienstraße", "Kastanienallee", "Gneisenaustraße"] },
  { slug: "paris", sceneSize: 2, name: "Paris", country: "France", countryCode: "FR", continent: "Europe", timeZone: "Europe/Paris", latitude: 48.8566, longitude: 2.3522, currency: "EUR", entryPrice: 15, streets: ["Rue Oberkampf", "Quai Saint-Bernard", "Rue de la Roquette"] },
  { slug: "london", name: "London", country: "United Kingdom", countryCode: "GB", continent: "Europe", timeZone: "Europe/London", latitude: 51.5074, longitude: -0.1278, currency: "GBP", entryPrice: 14, streets: ["Bermondsey Street", "Camden High Street", "Old Street"] },
  { slug: "amsterdam", name: "Amsterdam", country: "Netherlands", countryCode: "NL", continent: "Europe", timeZone: "Europe/Amsterdam", latitude: 52.3676, longitude: 4.9041, currency: "EUR", entryPrice: 12, streets: ["Prinsengracht", "Westerstraat", "Ferdinand Bolstraat"] },
  { slug: "barcelona", name: "Barcelona", country: "Spain", countryCode: "ES", continent: "Europe", timeZone: "Europe/Madrid", latitude: 41.3874, longitude: 2.1686, currency: "EUR", entryPrice: 10, streets: ["Carrer de Verdi", "Carrer del Parlament", "Passeig de Sant Joan"] },
  { slug: "rome", name: "Rome", country: "Italy", countryCode: "IT", continent: "Europe", timeZone: "Europe/Rome", latitude: 41.9028, longitude: 12.4964, currency: "EUR", entryPrice: 12, streets: ["Via del Pigneto", "Via Giulia", "Via dei Volsci"] },
  { slug: "lisbon", name: "Lisbon", country: "Portugal", countryCode: "PT", continent: "Europe", timeZone: "Europe/Lisbon", latitude: 38.7223, longitude: -9.1393, currency: "EUR", entryPrice: 10, streets: ["Rua da Rosa", "Rua de São Bento", "Avenida da Liberdade"] },
  { slug: "krakow", name: "Kraków", country: "Poland", countryCode: "PL", continent: "Europe", timeZone: "Europe/Warsaw", latitude: 50.0647, longitude: 19.945, currency: "PLN", entryPrice: 40, streets: ["ul. Józefa", "ul. Floriańska", "ul. Dietla"] },
  { slug: "athens", name: "Athens", country: "Greece", countryCode: "GR", continent: "Europe", timeZone: "Europe/Athens", latitude: 37.9838, longitude: 23.7275, currency: "EUR", entryPrice: 10, streets: ["Odos Ermou", "Odos Athinas", "Leoforos Syngrou"] },
  { slug: "istanbul", sceneSize: 2, name: "Istanbul", country: "Türkiye", countryCode: "TR", continent: "Europe", timeZone: "Europe/Istanbul", latitude: 41.0082, longitude: 28.9784, currency: "TRY", entryPrice: 400, streets: ["İstiklal Caddesi", "Moda Caddesi", "Bağdat Caddesi"] },
  { slug: "tokyo", sceneSize: 2, name: "Tokyo", country: "Japan", countryCode: "JP", continent: "Asia", timeZone: "Asia/Tokyo", latitude: 35.6762, longitude: 139.6503, currency: "JPY", entryPrice: 3000, streets: ["Omotesando", "Shimokitazawa", "Kagurazaka"] },
  { slug: "seoul", name: "Seoul", country: "South Korea", countryCode: "KR", continent: "Asia", timeZone: "Asia/Seoul", latitude: 37.5665, longitude: 126.978, currency: "KRW", entryPrice: 20000, streets: ["Hongik-ro", "Itaewon-ro", "Garosu-gil"] },
  { slug: "taipei", name: "Taipei", country: "Taiwan", countryCode: "TW", continent: "Asia", timeZone: "Asia/Taipei", latitude: 25.033, longitude: 121.5654, currency: "TWD", entryPrice: 400, streets: ["Yongkang Street", "Zhongshan North Road", "Dihua Street"] },
  { slug: "singapore", name: "Singapore", country: "Singapore", countryCode: "SG", continent: "Asia", timeZone: "Asia/Singapore", latitude: 1.3521, longitude: 103.8198, currency: "SGD", entryPrice: 25, streets: ["Tanjong Pagar Road", "Haji Lane", "Club Street"] },
  { slug: "sydney", name: "Sydney", country: "Australia", countryCode: "AU", continent: "Oceania", timeZone: "Australia/Sydney", latitude: -33.8688, longitude: 151.2093, currency: "AUD", entryPrice: 25, streets: ["King Street", "Crown Street", "Glebe Point Road"] },
  { slug: "melbourne", name: "Melbourne", country: "Australia", countryCode: "AU", continent: "Oceania", timeZone: "Australia/Melbourne", latitude: -37.8136, longitude: 144.9631, currency: "AUD", entryPrice: 25, streets: ["Brunswick Street", "Smith Street", "Lygon Street"] },
  { slug: "cape-town", name: "Cape Town", country: "South Africa", countryCode: "ZA", continent: "Africa", timeZone: "Africa/Johannesburg", latitude: -33.9249, longitude: 18.4241, currency: "ZAR", entryPrice: 150, streets: ["Long Street", "Bree Street", "Kloof Street"] },
];
