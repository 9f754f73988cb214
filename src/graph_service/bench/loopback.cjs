// Preloaded (node --require) into a peer's Node process by the benchmark: every server it starts
// listens on 127.0.0.1 only, whatever host it asks for (Comunica's endpoint has no option for it).
"use strict";
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || typeof args[0] === "string" && /^\d+$/.test(args[0])) {
    const port = Number(args[0]);
    const rest = args.slice(1).filter((a) => typeof a === "function" || typeof a === "number");
    return listen.call(this, port, "127.0.0.1", ...rest.filter((a) => typeof a === "function"));
  }
  if (args[0] && typeof args[0] === "object" && "port" in args[0]) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
