// Word lists for realistic generated people, companies and addresses (incl. non-ASCII names).

// deno-fmt-ignore
export const FIRST_NAMES = [
  "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
  "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
  "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
  "Sandra", "Mark", "Margaret", "Steven", "Ashley", "Andrew", "Kimberly", "Joshua", "Emily",
  "Kevin", "Donna", "Brian", "Michelle", "Priya", "Wei", "Aisha", "Mohammed", "Sofia", "Lucas",
  "Hiroshi", "Yuki", "Olga", "Dmitri", "Fatima", "Omar", "Ingrid", "Lars", "Chiara", "Matteo",
  "José", "Zoë", "Søren", "Anaïs", "Björn", "Łukasz", "Renée", "François", "Nuño", "Siobhán",
  "Chloé", "Mateo", "Amara", "Kwame", "Ana", "Jean-Luc", "Mary-Kate", "D'Angelo", "Nguyen",
  "Ravi", "Mei", "Sven", "Astrid", "Tomás", "Leilani",
] as const;

// deno-fmt-ignore
export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
  "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
  "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
  "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
  "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
  "O'Brien", "O'Connor", "McDonald", "MacLeod", "van der Berg", "de la Cruz", "Müller",
  "Schröder", "Østergaard", "Nakamura", "Tanaka", "Kowalski", "Nowak", "Ivanova", "Petrov",
  "Rossi", "Bianchi", "Dubois", "Lefèvre", "García-Márquez", "Patel", "Sharma", "Singh",
  "Chen", "Wang", "Li", "Kim", "Park", "Okafor", "Mensah", "Haddad", "Cohen", "Levi",
  "Fitzgerald", "Smith-Jones",
] as const;

export const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'] as const

// deno-fmt-ignore
export const TITLES = [
  "CEO", "CTO", "CFO", "COO", "VP of Sales", "VP of Marketing", "VP Engineering",
  "Director of Operations", "Head of Procurement", "Sales Manager", "Account Executive",
  "Marketing Manager", "Software Engineer", "Senior Software Engineer", "Product Manager",
  "Office Manager", "Purchasing Agent", "Customer Success Manager", "IT Administrator",
  "Chief Revenue Officer", "Regional Director, EMEA", "Business Development Representative",
  "Controller", "HR Generalist", "Data Analyst", "Solutions Architect",
] as const;

// deno-fmt-ignore
export const DEPARTMENTS = [
  "Sales", "Marketing", "Engineering", "Finance", "Operations", "Procurement", "IT",
  "Human Resources", "Customer Success", "Executive", "Legal",
] as const;

// deno-fmt-ignore
export const COMPANY_WORDS = [
  "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne",
  "Soylent", "Hooli", "Pied Piper", "Vandelay", "Massive Dynamic", "Aperture", "Black Mesa",
  "Oscorp", "Gringotts", "Monarch", "Nakatomi", "Blue Sun", "Weyland", "Dunder Mifflin",
  "Prestige", "Sterling", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Litware",
  "Adventure Works", "Alpine Ski", "Coho", "Fourth Coffee", "Lucerne", "Margie's", "Proseware",
  "Trey Research", "Woodgrove", "Bäckerei Schmidt", "Café Lumière", "Øresund",
] as const;

// deno-fmt-ignore
export const COMPANY_SUFFIXES = [
  "Inc.", "LLC", "Ltd", "GmbH", "Group", "Partners", "Holdings", "Corp.", "S.A.", "& Co.",
  "Technologies", "Industries", "Labs",
] as const;

// deno-fmt-ignore
export const STREET_NAMES = [
  "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
  "Market", "Mission", "Broadway", "High", "Station", "King", "Queen", "Church", "Mill",
  "Harbor", "Sunset", "Valencia",
] as const;

export const STREET_SUFFIXES = [
  'St',
  'Ave',
  'Blvd',
  'Rd',
  'Ln',
  'Way',
  'Dr',
  'Street',
  'Road',
] as const

export interface Place {
  city: string
  state: string | null
  country: string
  postal: () => string
  phonePrefix: string
  lat: number
  lng: number
}

const digits = (n: number, rnd: () => number) =>
  Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('')

/** Cities with consistent state, country, postal-code shape and phone prefix. */
export function places(rnd: () => number): Place[] {
  const us = (
    city: string,
    state: string,
    zip: string,
    area: string,
    lat: number,
    lng: number,
  ) => ({
    city,
    state,
    country: 'United States',
    postal: () => zip + digits(2, rnd),
    phonePrefix: area,
    lat,
    lng,
  })
  return [
    us('San Francisco', 'CA', '941', '415', 37.77, -122.42),
    us('New York', 'NY', '100', '212', 40.71, -74.01),
    us('Austin', 'TX', '787', '512', 30.27, -97.74),
    us('Chicago', 'IL', '606', '312', 41.88, -87.63),
    us('Seattle', 'WA', '981', '206', 47.61, -122.33),
    us('Boston', 'MA', '021', '617', 42.36, -71.06),
    us('Denver', 'CO', '802', '303', 39.74, -104.99),
    us('Atlanta', 'GA', '303', '404', 33.75, -84.39),
    {
      city: 'London',
      state: null,
      country: 'United Kingdom',
      postal: () => `EC${1 + Math.floor(rnd() * 4)}A ${digits(1, rnd)}BB`,
      phonePrefix: '+44 20',
      lat: 51.51,
      lng: -0.13,
    },
    {
      city: 'München',
      state: 'Bayern',
      country: 'Germany',
      postal: () => `80${digits(3, rnd)}`,
      phonePrefix: '+49 89',
      lat: 48.14,
      lng: 11.58,
    },
    {
      city: 'Paris',
      state: null,
      country: 'France',
      postal: () => `750${digits(2, rnd)}`,
      phonePrefix: '+33 1',
      lat: 48.86,
      lng: 2.35,
    },
    {
      city: 'Toronto',
      state: 'ON',
      country: 'Canada',
      postal: () => `M5V ${digits(1, rnd)}A${digits(1, rnd)}`,
      phonePrefix: '+1 416',
      lat: 43.65,
      lng: -79.38,
    },
    {
      city: 'Sydney',
      state: 'NSW',
      country: 'Australia',
      postal: () => `20${digits(2, rnd)}`,
      phonePrefix: '+61 2',
      lat: -33.87,
      lng: 151.21,
    },
    {
      city: 'Tokyo',
      state: null,
      country: 'Japan',
      postal: () => `100-${digits(4, rnd)}`,
      phonePrefix: '+81 3',
      lat: 35.68,
      lng: 139.69,
    },
    {
      city: 'São Paulo',
      state: 'SP',
      country: 'Brazil',
      postal: () => `01${digits(3, rnd)}-000`,
      phonePrefix: '+55 11',
      lat: -23.55,
      lng: -46.63,
    },
  ]
}
