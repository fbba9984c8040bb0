// Copies src/ to dist/; the container swaps __BACKEND_URL__ at start-up.
import { cpSync } from "node:fs";
cpSync("src", "dist", { recursive: true });
