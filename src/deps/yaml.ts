// The one place the YAML parser is pinned (eemeli/yaml: YAML 1.2, no dependencies); code imports
// it from here. Used to read GuideLLM's YAML benchmarks report.
export { parse, parse as parseYaml } from "npm:yaml@2.8.1";
