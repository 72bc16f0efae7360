/** EventBridge events as the EventBridge User Guide's examples write them. */

/** What one "EC2 Instance State-change Notification" example differs from another in. */
export interface Ec2StateChangeValues {
  id: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: { "instance-id": string; state: string };
}

/** An "EC2 Instance State-change Notification" event from aws.ec2, the fields in the order the examples give them. */
export const ec2StateChange = ({ id, account, time, region, resources, detail }: Ec2StateChangeValues) => ({
  version: "0",
  id,
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account,
  time,
  region,
  resources,
  detail,
});
