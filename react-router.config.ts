import type { Config } from "@react-router/dev/config";

export default {
  appDirectory: "app",
  ssr: true,
  // Parallel work in one checkout can build into separate folders (MT_BUILD_DIR=build-x).
  buildDirectory: process.env.MT_BUILD_DIR ?? "build",
} satisfies Config;
