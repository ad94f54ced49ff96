/**
 * The failover configuration model: resources and groups with their policies (stickiness, failback, migration
 * threshold, failure timeout, on-fail, colocation), monitor bindings and cluster-wide options. Only this bundle
 * interprets it; the cluster replicates it as a document ({@code org.duplex.failover.replicated}). Not exported.
 */
package org.duplex.failover.model;
