// The administration console (admins only), one page per section under /admin/*: users, mailing
// lists, every user's address books, the Local Directory as users see it, sync activity, server
// status and the audit log. The GAB is edited on the Contacts page.
import { Text, tokens } from "@fluentui/react-components";
import { Link, NavLink, useParams } from "react-router";
import { useSession } from "../session";
import { AuditPage } from "./audit-page";
import { BooksPage } from "./books-page";
import { DirectoryPage } from "./directory-page";
import { ListsPage } from "./lists-page";
import { StatusPage } from "./status-page";
import { SyncPage } from "./sync-page";
import { UsersPage } from "./users-page";

const sections = [
  { path: "users", label: "Users", page: UsersPage },
  { path: "lists", label: "Mailing lists", page: ListsPage },
  { path: "books", label: "Address books", page: BooksPage },
  { path: "directory", label: "Local Directory as users see it", page: DirectoryPage },
  { path: "sync", label: "Sync activity", page: SyncPage },
  { path: "status", label: "Server status", page: StatusPage },
  { path: "audit", label: "Audit log", page: AuditPage },
];

export function AdminPage() {
  const { section = "users" } = useParams();
  const { signedIn } = useSession();
  if (!signedIn?.user.admin)
    return <Text style={{ padding: 16, display: "block" }}>Only administrators see the administration console.</Text>;
  const Page = (sections.find((s) => s.path === section) ?? sections[0]!).page;
  return (
    <div style={{ display: "grid", gridTemplateColumns: "220px minmax(0, 1fr)", height: "100%" }}>
      <nav aria-label="Administration" style={{ padding: 8, borderRight: `1px solid ${tokens.colorNeutralStroke2}` }}>
        <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 8 }}>
          {sections.map((s) => (
            <li key={s.path}>
              <NavLink to={`/admin/${s.path}`}>{s.label}</NavLink>
            </li>
          ))}
          <li>
            <Link to="/books/gab">Edit the Global Address Book</Link>
          </li>
        </ul>
      </nav>
      <div style={{ overflowY: "auto", padding: 16 }}>
        <Page />
      </div>
    </div>
  );
}
