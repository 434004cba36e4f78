import { Dropdown, Field, Input, Option } from "@fluentui/react-components";
import type { PaneSettings } from "./pane-settings";

const apiLabel: Record<PaneSettings["outlookApi"], string> = {
  auto: "Automatic (Graph where supported, else EWS)",
  graph: "Microsoft Graph",
  ews: "Exchange Web Services (EWS)",
};

export function SettingsPanel({ settings, onChange }: { settings: PaneSettings; onChange(settings: PaneSettings): void }) {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
      <Field label="Reach Outlook contacts through">
        <Dropdown
          value={apiLabel[settings.outlookApi]}
          selectedOptions={[settings.outlookApi]}
          onOptionSelect={(_e, d) => d.optionValue && onChange({ ...settings, outlookApi: d.optionValue as PaneSettings["outlookApi"] })}
        >
          {(Object.keys(apiLabel) as PaneSettings["outlookApi"][]).map((api) => (
            <Option key={api} value={api}>{apiLabel[api]}</Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Graph client id" hint="The Entra ID application id your administrator registered for Concord.">
        <Input value={settings.graphClientId} onChange={(_e, d) => onChange({ ...settings, graphClientId: d.value })} />
      </Field>
      <Field label="Sync every (minutes, 0 = only when asked)">
        <Input
          type="number"
          min={0}
          max={1440}
          value={String(settings.intervalMinutes)}
          onChange={(_e, d) => {
            const minutes = Math.round(Number(d.value));
            if (Number.isFinite(minutes) && minutes >= 0 && minutes <= 1440) onChange({ ...settings, intervalMinutes: minutes });
          }}
        />
      </Field>
    </div>
  );
}
