import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const port = Number(process.env.PORT || 8080);
const backend = process.env.BACKEND_URL || "__BACKEND_URL__";
const page = readFileSync("dist/index.html", "utf8").replaceAll("__BACKEND_URL__", backend);

createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end(page);
}).listen(port, () => console.log(`rtaudio-client listening on ${port}`));
