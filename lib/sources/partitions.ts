/**
 * Regions → partitions → URL suffixes, for `AWS::Partition` and `AWS::URLSuffix`. The region
 * patterns and DNS suffixes are those of the AWS SDK's partition table
 * (aws/aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json, version 1.1), which is
 * also what CloudFormation's pseudo parameters return in each partition.
 */

export interface PartitionInfo {
  id: string;
  /** Regions of the partition, as the SDK's `regionRegex`. */
  regions: RegExp;
  /** `AWS::URLSuffix`: the partition's DNS suffix. */
  urlSuffix: string;
}

export const PARTITION_TABLE: readonly PartitionInfo[] = [
  { id: 'aws', regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, urlSuffix: 'amazonaws.com' },
  { id: 'aws-cn', regions: /^cn-\w+-\d+$/, urlSuffix: 'amazonaws.com.cn' },
  { id: 'aws-us-gov', regions: /^us-gov-\w+-\d+$/, urlSuffix: 'amazonaws.com' },
  { id: 'aws-iso', regions: /^us-iso-\w+-\d+$/, urlSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-b', regions: /^us-isob-\w+-\d+$/, urlSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-e', regions: /^eu-isoe-\w+-\d+$/, urlSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-iso-f', regions: /^us-isof-\w+-\d+$/, urlSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-eusc', regions: /^eusc-(de)-\w+-\d+$/, urlSuffix: 'amazonaws.eu' },
];

/** The partition of a region, or undefined for a name no partition's pattern matches. */
export function partitionOfRegion(region: string): PartitionInfo | undefined {
  return PARTITION_TABLE.find((p) => p.regions.test(region));
}

export function partitionById(id: string): PartitionInfo | undefined {
  return PARTITION_TABLE.find((p) => p.id === id);
}

/** A 12-digit account id. */
export function isAccountId(s: string): boolean {
  return /^\d{12}$/.test(s);
}
