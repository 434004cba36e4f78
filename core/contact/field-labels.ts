// The contact model's fields in the words Outlook's own contact form uses ("Job title", not
// `jobTitle`), in the model's order: the task pane's conflict and reverted-text messages and Concord
// Web's merge view name fields by this one table.

/** Every field and name part of core/contact/contact.ts, with its words; `name` is the name as a whole. */
export const fieldWords: Readonly<Record<string, string>> = {
  displayName: "Display name",
  name: "Name",
  "name.prefix": "Title",
  "name.given": "First name",
  "name.middle": "Middle name",
  "name.family": "Last name",
  "name.suffix": "Suffix",
  "name.nickname": "Nickname",
  "name.fileAs": "File as",
  company: "Company",
  department: "Department",
  jobTitle: "Job title",
  office: "Office",
  manager: "Manager",
  assistant: "Assistant",
  birthday: "Birthday",
  anniversary: "Anniversary",
  emails: "E-mail",
  phones: "Phone",
  addresses: "Address",
  urls: "Web page",
  im: "IM address",
  categories: "Categories",
  notes: "Notes",
  photo: "Photo",
  extra: "Other fields",
};

/** A contact field as Outlook's own form words it; a field the table does not know, from its name. */
export function fieldLabel(field: string): string {
  const known = fieldWords[field];
  if (known) return known;
  const words = field
    .replace(/[._]/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
