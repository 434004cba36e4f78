// The manifest rewriter lives with the server, which serves /manifest.xml and must not import
// addin/; the build uses the same function from there.
export { developmentBaseUrl, rewriteManifest } from "../../server/addin-manifest";
