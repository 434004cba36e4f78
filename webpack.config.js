// Builds the Outlook add-in into dist/addin/: the task pane bundle, its page, the manifest rewritten to
// ADDIN_BASE_URL, the icons, and a local copy of Office.js; and beside it Concord Web (web/), whose
// index.html the server serves at `/`.
//   ADDIN_BASE_URL=https://concord.example.com npx webpack --mode production
import { fileURLToPath } from "node:url";
import HtmlWebpackPlugin from "html-webpack-plugin";
import CopyWebpackPlugin from "copy-webpack-plugin";
import { tsImport } from "tsx/esm/api";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// Office.js loads its host scripts (outlook-*.js) and locale strings from beside itself, so the whole
// Outlook part of the package travels, not office.js alone. Serving it ourselves lets the pane work where
// the Office CDN is unreachable: offline tests and closed on-premises networks.
const otherHosts = ["access", "excel", "onenote", "powerpoint", "project", "visio", "word"];
const officeJsIgnore = ["**/*.debug.js", "**/*-vsdoc.js", ...otherHosts.map((host) => `**/${host}*`)];

export default async (_env, argv) => {
  const { rewriteManifest, developmentBaseUrl } = await tsImport("./addin/build/rewrite-manifest.ts", import.meta.url);
  const baseUrl = process.env.ADDIN_BASE_URL || developmentBaseUrl;
  // ADDIN_VERSION sets the manifest's <Version>, as the server's /manifest.xml does (server/http/manifest.ts).
  const version = (xml) =>
    process.env.ADDIN_VERSION
      ? xml.replace(/<Version>[^<]*<\/Version>/, `<Version>${process.env.ADDIN_VERSION}</Version>`)
      : xml;
  return {
    mode: argv.mode ?? "production",
    entry: { taskpane: here("./addin/taskpane/index.tsx"), web: here("./web/index.tsx") },
    output: { path: here("./dist/addin"), filename: "[name].[contenthash].js", clean: true },
    resolve: { extensions: [".ts", ".tsx", ".js"] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: { loader: "ts-loader", options: { transpileOnly: true, compilerOptions: { noEmit: false } } },
        },
      ],
    },
    devtool: argv.mode === "development" ? "source-map" : false,
    performance: { hints: false },
    plugins: [
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: here("./addin/taskpane/taskpane.html"),
        chunks: ["taskpane"],
      }),
      // Absolute script URLs: the web app's deep links (/books/gab/contacts/x) load the same page.
      new HtmlWebpackPlugin({
        filename: "index.html",
        template: here("./web/index.html"),
        chunks: ["web"],
        publicPath: "/",
      }),
      new CopyWebpackPlugin({
        patterns: [
          {
            from: here("./manifest.xml"),
            to: "manifest.xml",
            transform: (content) => version(rewriteManifest(content.toString("utf8"), baseUrl)),
          },
          { from: here("./addin/assets"), to: "assets" },
          {
            from: here("./node_modules/@microsoft/office-js/dist"),
            to: "office",
            globOptions: { ignore: officeJsIgnore },
          },
        ],
      }),
    ],
  };
};
