// js-yaml ships without types; electron-builder depends on it, and the config test needs only `load`.
declare module 'js-yaml' {
  const yaml: { load(text: string): unknown };
  export default yaml;
}
