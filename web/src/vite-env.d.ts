// Vite's `?url` imports: the asset's URL in the built bundle (used for the pdf.js worker).
declare module "*?url" {
  const url: string;
  export default url;
}
