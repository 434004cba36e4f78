// The sign-in form, on its own page and in the "sign in again" dialog. Its failures are worded by the
// task pane's sign-in messages (addin/taskpane/sign-in-errors.ts), one sentence per cause.
import { useState } from "react";
import { Button, Field, Input, MessageBar, MessageBarBody, Spinner } from "@fluentui/react-components";
import { normalUsername, signInError } from "../addin/taskpane/sign-in-errors";
import { useSession } from "./session";

export function SignInForm({ username: initialUser = "" }: { username?: string }) {
  const { signIn } = useSession();
  const [username, setUsername] = useState(initialUser);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(normalUsername(username), password);
    } catch (failure) {
      setError(signInError(failure, location.origin));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Sign in to Concord" style={{ display: "grid", gap: 12, width: "100%" }}>
      <Field label="User name" required>
        <Input value={username} autoComplete="username" onChange={(_e, d) => setUsername(d.value)} />
      </Field>
      <Field label="Password" required>
        <Input
          type="password"
          value={password}
          autoComplete="current-password"
          onChange={(_e, d) => setPassword(d.value)}
        />
      </Field>
      {error && (
        <MessageBar layout="multiline" intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <Button appearance="primary" type="submit" disabled={busy || !username.trim() || !password}>
        {busy ? <Spinner size="tiny" label="Signing in…" /> : "Sign in"}
      </Button>
    </form>
  );
}
