import { useState } from "react";
import { Button, Field, Input, MessageBar, MessageBarBody, Spinner } from "@fluentui/react-components";

export type SignInProps = {
  serverUrl: string;
  username: string;
  error?: string;
  busy?: boolean;
  onSignIn(serverUrl: string, username: string, password: string): void;
};

export function SignIn({ serverUrl: initialUrl, username: initialUser, error, busy, onSignIn }: SignInProps) {
  const [serverUrl, setServerUrl] = useState(initialUrl);
  const [username, setUsername] = useState(initialUser);
  const [password, setPassword] = useState("");
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    onSignIn(serverUrl.trim(), username.trim(), password);
  };
  return (
    <form
      onSubmit={submit}
      style={{ display: "flex", flexDirection: "column", gap: 12 }}
      aria-label="Sign in to Concord"
    >
      <Field label="Concord server" required>
        <Input
          value={serverUrl}
          placeholder="https://concord.example.com"
          onChange={(_e, d) => setServerUrl(d.value)}
        />
      </Field>
      <Field label="User name or e-mail" required>
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
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <Button appearance="primary" type="submit" disabled={busy || !serverUrl.trim() || !username.trim() || !password}>
        {busy ? <Spinner size="tiny" label="Signing in…" /> : "Sign in"}
      </Button>
    </form>
  );
}
