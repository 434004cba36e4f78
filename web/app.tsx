// Concord Web: the sign-in page, then the Contacts page with a URL for each book and contact.
// The theme follows the system's (prefers-color-scheme); an expired session asks to sign in again
// in a dialog over the page, so nothing typed is lost.
import {
  Button,
  Dialog,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  FluentProvider,
  makeStyles,
  Text,
  Title1,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { useState } from "react";
import { Link, Navigate, Route, Routes, useLocation } from "react-router";
import { AdminPage } from "./admin/admin-page";
import { ContactsPage } from "./contacts-page";
import { ImportWizard } from "./import/import-wizard";
import { SessionProvider, useSession } from "./session";
import { SignInForm } from "./sign-in-form";
import { useMedia } from "./use-media";

export function App() {
  const dark = useMedia("(prefers-color-scheme: dark)");
  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme} style={{ height: "100%" }}>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </FluentProvider>
  );
}

const useStyles = makeStyles({
  // Out of sight until a keyboard user tabs to it (WCAG 2.4.1, bypass blocks).
  skip: {
    position: "absolute",
    left: "-10000px",
    top: "8px",
    padding: "8px 12px",
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    font: "inherit",
    zIndex: 1,
    background: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForegroundLink,
    ":focus": { left: "8px" },
  },
});

/** The first tab stop: on the Contacts page it goes past the header, the books and the list's controls
 *  to the contact list's tab stop; elsewhere to the main content. */
function SkipLink() {
  const styles = useStyles();
  const onBooks = useLocation().pathname.startsWith("/books/");
  const skip = () => {
    const target =
      (onBooks && document.querySelector<HTMLElement>('#contact-list [tabindex="0"]')) ||
      document.querySelector<HTMLElement>("main");
    target?.focus();
  };
  return (
    <button type="button" className={styles.skip} onClick={skip}>
      {onBooks ? "Skip to the contact list" : "Skip to the main content"}
    </button>
  );
}

function Shell() {
  const { signedIn, expired, signOut } = useSession();
  const [dialogNeeded, setDialogNeeded] = useState(false);
  if (expired && !dialogNeeded) setDialogNeeded(true);
  if (!signedIn) return <SignInPage />;
  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100%" }}>
      <header
        style={{
          display: "flex",
          alignItems: "center",
          gap: 12,
          padding: "8px 16px",
          borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
        }}
      >
        <SkipLink />
        <Text as="h1" weight="semibold" size={500} style={{ margin: 0, flex: 1 }}>
          Concord
        </Text>
        <nav aria-label="Concord" style={{ display: "flex", gap: 12 }}>
          <Link to="/books/gab">Contacts</Link>
          {signedIn.user.admin && <Link to="/admin/users">Administration</Link>}
        </nav>
        <Text>{signedIn.user.displayName || signedIn.user.username}</Text>
        <Button onClick={signOut}>Sign out</Button>
      </header>
      <main id="main" tabIndex={-1} style={{ flex: 1, minHeight: 0, outline: "none" }}>
        <Routes>
          <Route path="/books/:book/import" element={<ImportWizard />} />
          <Route path="/books/:book/contacts/:uid" element={<ContactsPage />} />
          <Route path="/books/:book/:view" element={<ContactsPage />} />
          <Route path="/books/:book" element={<ContactsPage />} />
          <Route path="/admin/:section" element={<AdminPage />} />
          <Route path="/admin" element={<Navigate to="/admin/users" replace />} />
          <Route path="*" element={<Navigate to="/books/gab" replace />} />
        </Routes>
      </main>
      {/* Mounted from the first expiry on: a Fluent Dialog, closed too, puts Tabster's focus sentinels in the
          page, and one unmounted while open leaves the page aria-hidden. */}
      {dialogNeeded && (
        <Dialog open={expired} modalType="alert">
          <DialogSurface aria-label="Sign in again">
            <DialogBody>
              <DialogTitle>Your session expired: sign in again</DialogTitle>
              <DialogContent>
                <p>What you typed on the page is kept; send it again once you are signed in.</p>
                <SignInForm username={signedIn.user.username} />
              </DialogContent>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </div>
  );
}

function SignInPage() {
  return (
    <main style={{ display: "grid", placeItems: "center", height: "100%", padding: 16, boxSizing: "border-box" }}>
      <div style={{ display: "grid", gap: 16, width: "min(360px, 100%)" }}>
        <Title1 as="h1">Concord</Title1>
        <Text>Sign in with your Concord user name to see your address books.</Text>
        <SignInForm />
      </div>
    </main>
  );
}
