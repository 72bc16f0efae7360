/**
 * A DynamoDB client whose calls go out in an order fast-check's scheduler picks: each call waits for the scheduler to
 * release it, then reaches the real server (dynalite), so concurrent workers interleave call by call in any order.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type fc from "fast-check";

export function scheduledClient(client: DynamoDBClient, s: fc.Scheduler, worker: string): Pick<DynamoDBClient, "send"> {
  return {
    send: ((command: { constructor: { name: string } }) =>
      s
        .schedule(Promise.resolve(), `${worker} ${command.constructor.name}`)
        .then(() => client.send(command as never))) as DynamoDBClient["send"],
  };
}
