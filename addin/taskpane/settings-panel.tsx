import { Dropdown, Field, Input, Option } from "@fluentui/react-components";
import { backgroundSyncNote } from "./background-sync";
import type { PaneSettings } from "./pane-settings";

const apiLabel: Record<PaneSettings["outlookApi"], string> = {
  auto: "Automatic (Graph where supported, else EWS)",
  graph: "Microsoft Graph",
  ews: "Exchange Web Services (EWS)",
};

export type SettingsPanelProps = {
  settings: PaneSettings;
  /** The client id the server hands out (GET /api/client-config), used unless overridden here. */
  serverClientId?: string | null;
  onChange(settings: PaneSettings): void;
};

export function SettingsPanel({ settings, serverClientId, onChange }: SettingsPanelProps) {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
      <Field label="Reach Outlook contacts through">
        <Dropdown
          value={apiLabel[settings.outlookApi]}
          selectedOptions={[settings.outlookApi]}
          onOptionSelect={(_e, d) =>
            d.optionValue && onChange({ ...settings, outlookApi: d.optionValue as PaneSettings["outlookApi"] })
          }
        >
          {(Object.keys(apiLabel) as PaneSettings["outlookApi"][]).map((api) => (
            <Option key={api} value={api}>
              {apiLabel[api]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field
        label="Graph client id (override)"
        hint={
          serverClientId
            ? `Leave empty to use the server's: ${serverClientId}`
            : "The server sets none; your administrator registered one in Entra ID."
        }
      >
        <Input
          value={settings.graphClientId}
          placeholder={serverClientId ?? ""}
          onChange={(_e, d) => onChange({ ...settings, graphClientId: d.value })}
        />
      </Field>
      <Field label="Sync every (minutes, 0 = only when asked)" hint={backgroundSyncNote}>
        <Input
          type="number"
          min={0}
          max={1440}
          value={String(settings.intervalMinutes)}
          onChange={(_e, d) => {
            const minutes = Math.round(Number(d.value));
            if (Number.isFinite(minutes) && minutes >= 0 && minutes <= 1440)
              onChange({ ...settings, intervalMinutes: minutes });
          }}
        />
      </Field>
    </div>
  );
}
