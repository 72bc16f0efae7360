/**
 * One dynalite server (DynamoDB's JSON API served in this process, the dev dependency `dynalite`) for every simulated
 * world of the process, and a real @aws-sdk/client-dynamodb client to it. Started on the first call that needs it;
 * worlds share it, each under its own table-name prefix (./dynamodb.ts), because starting a server costs tens of
 * milliseconds and the fault sweep runs thousands of worlds. The server is unreferenced: it never keeps the process
 * alive, and it ends with the process.
 */
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

interface DynaliteServer {
  listen(port: number, host: string, listening: () => void): void;
  once(event: "error", listener: (err: Error) => void): void;
  address(): AddressInfo | string | null;
  unref(): void;
}

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => DynaliteServer;

/** The region and account dynalite writes into every ARN it makes, whatever the request's. */
export const DYNALITE_REGION = "us-east-1";
export const DYNALITE_ACCOUNT = "000000000000";

let shared: Promise<DynamoDBClient> | undefined;

/** The client of the process's dynalite server, starting the server on the first call. */
export function dynaliteClient(): Promise<DynamoDBClient> {
  shared ??= start().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

async function start(): Promise<DynamoDBClient> {
  const dynalite = require("dynalite") as Dynalite;
  // Tables are ACTIVE at once: CreateTable's CREATING state is a wait the simulated callers do not play.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  server.unref();
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("dynalite is not listening on a TCP port");
  return new DynamoDBClient({
    endpoint: `http://127.0.0.1:${address.port}`,
    region: DYNALITE_REGION,
    credentials: { accessKeyId: "dynalite", secretAccessKey: "dynalite" },
    // The simulated callers retry on the virtual clock (../sdkRetry.ts, the engine's maxAttempts): never here too.
    maxAttempts: 1,
  });
}
