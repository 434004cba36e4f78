// Outlook's "Comma Separated Values" contact export: 92 columns in a fixed
// order (Outlook 2010–365, English). Localized Outlooks write the same
// columns under translated headers; the German and French names below are the
// ones Exchange's own Outlook-CSV importer recognises
// (Microsoft.Exchange.Transport.Sync.Common.ImportContacts.OutlookCsvLanguageSelect).
export const outlookColumns = [
  "Title",
  "First Name",
  "Middle Name",
  "Last Name",
  "Suffix",
  "Company",
  "Department",
  "Job Title",
  "Business Street",
  "Business Street 2",
  "Business Street 3",
  "Business City",
  "Business State",
  "Business Postal Code",
  "Business Country/Region",
  "Home Street",
  "Home Street 2",
  "Home Street 3",
  "Home City",
  "Home State",
  "Home Postal Code",
  "Home Country/Region",
  "Other Street",
  "Other Street 2",
  "Other Street 3",
  "Other City",
  "Other State",
  "Other Postal Code",
  "Other Country/Region",
  "Assistant's Phone",
  "Business Fax",
  "Business Phone",
  "Business Phone 2",
  "Callback",
  "Car Phone",
  "Company Main Phone",
  "Home Fax",
  "Home Phone",
  "Home Phone 2",
  "ISDN",
  "Mobile Phone",
  "Other Fax",
  "Other Phone",
  "Pager",
  "Primary Phone",
  "Radio Phone",
  "TTY/TDD Phone",
  "Telex",
  "Account",
  "Anniversary",
  "Assistant's Name",
  "Billing Information",
  "Birthday",
  "Business Address PO Box",
  "Categories",
  "Children",
  "Directory Server",
  "E-mail Address",
  "E-mail Type",
  "E-mail Display Name",
  "E-mail 2 Address",
  "E-mail 2 Type",
  "E-mail 2 Display Name",
  "E-mail 3 Address",
  "E-mail 3 Type",
  "E-mail 3 Display Name",
  "Gender",
  "Government ID Number",
  "Hobby",
  "Home Address PO Box",
  "Initials",
  "Internet Free Busy",
  "Keywords",
  "Language",
  "Location",
  "Manager's Name",
  "Mileage",
  "Notes",
  "Office Location",
  "Organizational ID Number",
  "Other Address PO Box",
  "Priority",
  "Private",
  "Profession",
  "Referred By",
  "Sensitivity",
  "Spouse",
  "User 1",
  "User 2",
  "User 3",
  "User 4",
  "Web Page",
] as const;

export type OutlookColumn = (typeof outlookColumns)[number];

const addressTargets = (prefix: "Business" | "Home" | "Other", type: "business" | "home" | "other") => ({
  [`${prefix} Street`]: `addresses:${type}.street`,
  [`${prefix} Street 2`]: `addresses:${type}.street`,
  [`${prefix} Street 3`]: `addresses:${type}.street`,
  [`${prefix} City`]: `addresses:${type}.city`,
  [`${prefix} State`]: `addresses:${type}.region`,
  [`${prefix} Postal Code`]: `addresses:${type}.postalCode`,
  [`${prefix} Country/Region`]: `addresses:${type}.country`,
  [`${prefix} Address PO Box`]: `addresses:${type}.poBox`,
});

/** Columns that fill Contact fields; the rest are kept in extra under their header. */
export const outlookTargets: Partial<Record<OutlookColumn, string>> = {
  "Title": "name.prefix",
  "First Name": "name.given",
  "Middle Name": "name.middle",
  "Last Name": "name.family",
  "Suffix": "name.suffix",
  "Company": "company",
  "Department": "department",
  "Job Title": "jobTitle",
  ...addressTargets("Business", "business"),
  ...addressTargets("Home", "home"),
  ...addressTargets("Other", "other"),
  "Assistant's Phone": "phones:assistant",
  "Business Fax": "phones:businessFax",
  "Business Phone": "phones:business",
  "Business Phone 2": "phones:business2",
  "Callback": "phones:callback",
  "Car Phone": "phones:car",
  "Company Main Phone": "phones:company",
  "Home Fax": "phones:homeFax",
  "Home Phone": "phones:home",
  "Home Phone 2": "phones:home2",
  "ISDN": "phones:isdn",
  "Mobile Phone": "phones:mobile",
  "Other Fax": "phones:otherFax",
  "Other Phone": "phones:other",
  "Pager": "phones:pager",
  "Primary Phone": "phones:primary",
  "Radio Phone": "phones:radio",
  "TTY/TDD Phone": "phones:tty",
  "Telex": "phones:telex",
  "Anniversary": "anniversary",
  "Assistant's Name": "assistant",
  "Birthday": "birthday",
  "Categories": "categories",
  // Outlook's three e-mail slots carry no home/work kind.
  "E-mail Address": "emails[0].address",
  "E-mail 2 Address": "emails[1].address",
  "E-mail 3 Address": "emails[2].address",
  "Manager's Name": "manager",
  "Notes": "notes",
  "Office Location": "office",
  // The one URL column names no kind either.
  "Web Page": "urls:other",
};

/** Values Outlook writes into every row when a field is unset; they are not kept. */
export const outlookPlaceholders: Partial<Record<OutlookColumn, string[]>> = {
  "E-mail Type": ["SMTP"],
  "E-mail 2 Type": ["SMTP"],
  "E-mail 3 Type": ["SMTP"],
  "Gender": ["Unspecified", "Nicht angegeben", "Non spécifié"],
  "Priority": ["Normal", "Normale"],
  "Sensitivity": ["Normal", "Normale"],
  "Private": ["False", "Aus", "Faux"],
};

export type OutlookLanguage = "en" | "de" | "fr";

const germanHeaders: Record<OutlookColumn, string> = {
  "Title": "Anrede",
  "First Name": "Vorname",
  "Middle Name": "Weitere Vornamen",
  "Last Name": "Nachname",
  "Suffix": "Suffix",
  "Company": "Firma",
  "Department": "Abteilung",
  "Job Title": "Position",
  "Business Street": "Straße geschäftlich",
  "Business Street 2": "Straße geschäftlich 2",
  "Business Street 3": "Straße geschäftlich 3",
  "Business City": "Ort geschäftlich",
  "Business State": "Region geschäftlich",
  "Business Postal Code": "Postleitzahl geschäftlich",
  "Business Country/Region": "Land/Region geschäftlich",
  "Home Street": "Straße privat",
  "Home Street 2": "Straße privat 2",
  "Home Street 3": "Straße privat 3",
  "Home City": "Ort privat",
  "Home State": "Bundesland/Kanton privat",
  "Home Postal Code": "Postleitzahl privat",
  "Home Country/Region": "Land/Region privat",
  "Other Street": "Weitere Straße",
  "Other Street 2": "Weitere Straße 2",
  "Other Street 3": "Weitere Straße 3",
  "Other City": "Weiterer Ort",
  "Other State": "Weiteres/r Bundesland/Kanton",
  "Other Postal Code": "Weitere Postleitzahl",
  "Other Country/Region": "Weiteres/e Land/Region",
  "Assistant's Phone": "Telefon Assistent",
  "Business Fax": "Fax geschäftlich",
  "Business Phone": "Telefon geschäftlich",
  "Business Phone 2": "Telefon geschäftlich 2",
  "Callback": "Rückmeldung",
  "Car Phone": "Autotelefon",
  "Company Main Phone": "Telefon Firma",
  "Home Fax": "Fax privat",
  "Home Phone": "Telefon privat",
  "Home Phone 2": "Telefon privat 2",
  "ISDN": "ISDN",
  "Mobile Phone": "Mobiltelefon",
  "Other Fax": "Weiteres Fax",
  "Other Phone": "Weiteres Telefon",
  "Pager": "Pager",
  "Primary Phone": "Haupttelefon",
  "Radio Phone": "Mobiltelefon 2",
  "TTY/TDD Phone": "Telefon für Hörbehinderte",
  "Telex": "Telex",
  "Account": "Konto",
  "Anniversary": "Jahrestag",
  "Assistant's Name": "Name Assistent",
  "Billing Information": "Abrechnungsinformation",
  "Birthday": "Geburtstag",
  "Business Address PO Box": "Postfach geschäftlich",
  "Categories": "Kategorien",
  "Children": "Kinder",
  "Directory Server": "Verzeichnisserver",
  "E-mail Address": "E-Mail-Adresse",
  "E-mail Type": "E-Mail-Typ",
  "E-mail Display Name": "E-Mail: Angezeigter Name",
  "E-mail 2 Address": "E-Mail 2: Adresse",
  "E-mail 2 Type": "E-Mail 2: Typ",
  "E-mail 2 Display Name": "E-Mail 2: Angezeigter Name",
  "E-mail 3 Address": "E-Mail 3: Adresse",
  "E-mail 3 Type": "E-Mail 3: Typ",
  "E-mail 3 Display Name": "E-Mail 3: Angezeigter Name",
  "Gender": "Geschlecht",
  "Government ID Number": "Regierungsnr.",
  "Hobby": "Hobby",
  "Home Address PO Box": "Postfach privat",
  "Initials": "Initialen",
  "Internet Free Busy": "Internet-Frei/Gebucht",
  "Keywords": "Stichwörter",
  "Language": "Sprache",
  "Location": "Ort",
  "Manager's Name": "Name des/der Vorgesetzten",
  "Mileage": "Reisekilometer",
  "Notes": "Notizen",
  "Office Location": "Büro",
  "Organizational ID Number": "Organisationsnr.",
  "Other Address PO Box": "Weiteres Postfach",
  "Priority": "Priorität",
  "Private": "Privat",
  "Profession": "Beruf",
  "Referred By": "Empfohlen von",
  "Sensitivity": "Vertraulichkeit",
  "Spouse": "Partner",
  "User 1": "Benutzer 1",
  "User 2": "Benutzer 2",
  "User 3": "Benutzer 3",
  "User 4": "Benutzer 4",
  "Web Page": "Webseite",
};

// French Outlook names both the courtesy title and the job title "Titre":
// the first "Titre" column is Title, the second Job Title.
const frenchHeaders: Record<OutlookColumn, string> = {
  "Title": "Titre",
  "First Name": "Prénom",
  "Middle Name": "Deuxième prénom",
  "Last Name": "Nom",
  "Suffix": "Suffixe",
  "Company": "Société",
  "Department": "Service",
  "Job Title": "Titre",
  "Business Street": "Rue (bureau)",
  "Business Street 2": "Rue (bureau) 2",
  "Business Street 3": "Rue (bureau) 3",
  "Business City": "Ville (bureau)",
  "Business State": "Dép/Région (bureau)",
  "Business Postal Code": "Code postal (bureau)",
  "Business Country/Region": "Pays/Région (bureau)",
  "Home Street": "Rue (domicile)",
  "Home Street 2": "Rue (domicile) 2",
  "Home Street 3": "Rue (domicile) 3",
  "Home City": "Ville (domicile)",
  "Home State": "Dép/Région (domicile)",
  "Home Postal Code": "Code postal (domicile)",
  "Home Country/Region": "Pays/Région (domicile)",
  "Other Street": "Rue (autre)",
  "Other Street 2": "Rue (autre) 2",
  "Other Street 3": "Rue (autre) 3",
  "Other City": "Ville (autre)",
  "Other State": "Dép/Région (autre)",
  "Other Postal Code": "Code postal (autre)",
  "Other Country/Region": "Pays/Région (autre)",
  "Assistant's Phone": "Téléphone de l'assistant(e)",
  "Business Fax": "Télécopie (bureau)",
  "Business Phone": "Téléphone (bureau)",
  "Business Phone 2": "Téléphone 2 (bureau)",
  "Callback": "Rappel",
  "Car Phone": "Téléphone (voiture)",
  "Company Main Phone": "Téléphone société",
  "Home Fax": "Télécopie (domicile)",
  "Home Phone": "Téléphone (domicile)",
  "Home Phone 2": "Téléphone 2 (domicile)",
  "ISDN": "RNIS",
  "Mobile Phone": "Tél. mobile",
  "Other Fax": "Télécopie (autre)",
  "Other Phone": "Téléphone (autre)",
  "Pager": "Récepteur de radiomessagerie",
  "Primary Phone": "Téléphone principal",
  "Radio Phone": "Radio téléphone",
  "TTY/TDD Phone": "Téléphone TDD/TTY",
  "Telex": "Télex",
  "Account": "Compte",
  "Anniversary": "Anniversaire de mariage ou fête",
  "Assistant's Name": "Nom de l'assistant(e)",
  "Billing Information": "Informations facturation",
  "Birthday": "Anniversaire",
  "Business Address PO Box": "B.P. professionnelle",
  "Categories": "Catégories",
  "Children": "Enfants",
  "Directory Server": "Serveur d'annuaire",
  "E-mail Address": "Adresse de messagerie",
  "E-mail Type": "Type de messagerie",
  "E-mail Display Name": "Nom complet de l'adresse de messagerie",
  "E-mail 2 Address": "Adresse de messagerie 2",
  "E-mail 2 Type": "Type de messagerie 2",
  "E-mail 2 Display Name": "Nom complet de l'adresse de messagerie 2",
  "E-mail 3 Address": "Adresse de messagerie 3",
  "E-mail 3 Type": "Type de messagerie 3",
  "E-mail 3 Display Name": "Nom complet de l'adresse de messagerie 3",
  "Gender": "Sexe",
  "Government ID Number": "Code gouvernement",
  "Hobby": "Passe-temps",
  "Home Address PO Box": "Boîte postale du domicile",
  "Initials": "Initiales",
  "Internet Free Busy": "Disponibilité Internet",
  "Keywords": "Mots clés",
  "Language": "Langue",
  "Location": "Emplacement",
  "Manager's Name": "Responsable",
  "Mileage": "Kilométrage",
  "Notes": "Notes",
  "Office Location": "Bureau",
  "Organizational ID Number": "Numéro d'identification de l'organisation",
  "Other Address PO Box": "Autre boîte postale",
  "Priority": "Priorité",
  "Private": "Privé",
  "Profession": "Profession",
  "Referred By": "Recommandé par",
  "Sensitivity": "Critère de diffusion",
  "Spouse": "Conjoint(e)",
  "User 1": "Utilisateur 1",
  "User 2": "Utilisateur 2",
  "User 3": "Utilisateur 3",
  "User 4": "Utilisateur 4",
  "Web Page": "Page Web",
};

// Older Outlooks (2003 and before) wrote "Country" where newer ones write "Country/Region".
const olderNames: Partial<Record<OutlookLanguage, Partial<Record<OutlookColumn, string>>>> = {
  en: {
    "Business Country/Region": "Business Country",
    "Home Country/Region": "Home Country",
    "Other Country/Region": "Other Country",
  },
  fr: {
    "Business Country/Region": "Pays (bureau)",
    "Home Country/Region": "Pays (domicile)",
    "Other Country/Region": "Pays (autre)",
  },
};

const englishHeaders = Object.fromEntries(outlookColumns.map((c) => [c, c])) as Record<OutlookColumn, string>;
const headersByLanguage: Record<OutlookLanguage, Record<OutlookColumn, string>> = {
  en: englishHeaders,
  de: germanHeaders,
  fr: frenchHeaders,
};

const key = (header: string) => header.trim().toLowerCase();

// header (case-folded) → the columns it may stand for, in Outlook's column order
function headerIndex(language: OutlookLanguage): Map<string, OutlookColumn[]> {
  const index = new Map<string, OutlookColumn[]>();
  const add = (header: string, column: OutlookColumn) =>
    index.set(key(header), [...(index.get(key(header)) ?? []), column]);
  for (const column of outlookColumns) add(headersByLanguage[language][column], column);
  for (const [column, header] of Object.entries(olderNames[language] ?? {})) add(header, column as OutlookColumn);
  return index;
}

const indexes = { en: headerIndex("en"), de: headerIndex("de"), fr: headerIndex("fr") };

/** How many headers are Outlook column names in each language. */
export function outlookLanguageScores(headers: string[]): Record<OutlookLanguage, number> {
  const score = (language: OutlookLanguage) => headers.filter((h) => indexes[language].has(key(h))).length;
  return { en: score("en"), de: score("de"), fr: score("fr") };
}

/** The language whose header names match best; English on a tie. */
export function detectOutlookLanguage(headers: string[]): OutlookLanguage {
  const scores = outlookLanguageScores(headers);
  return (["en", "de", "fr"] as const).reduce(
    (best, l) => (scores[l] > scores[best] ? l : best),
    "en" as OutlookLanguage,
  );
}

/** The Outlook column each header stands for (undefined for foreign headers).
 *  A header shared by k of the file's columns takes the last k of its
 *  candidates, so a lone French "Titre" is the job title, as Exchange reads it. */
export function resolveOutlookHeaders(headers: string[], language: OutlookLanguage): (OutlookColumn | undefined)[] {
  const index = indexes[language];
  const occurrences = new Map<string, number>();
  for (const h of headers) occurrences.set(key(h), (occurrences.get(key(h)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return headers.map((h) => {
    const candidates = index.get(key(h));
    if (!candidates) return undefined;
    const nth = seen.get(key(h)) ?? 0;
    seen.set(key(h), nth + 1);
    const offset = Math.max(0, candidates.length - (occurrences.get(key(h)) ?? 1));
    return candidates[offset + nth];
  });
}
