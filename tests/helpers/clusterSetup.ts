import type { TestProject } from 'vitest/node';
import { startCluster } from './topology.ts';

/** The store tests again, on a real 3-node Redis Cluster: a script whose keys span slots fails with CROSSSLOT. */
export default async function setup(project: Pick<TestProject, 'provide'>) {
  const cluster = await startCluster();
  project.provide('redisUrl', cluster.url);
  return () => cluster.stop();
}
