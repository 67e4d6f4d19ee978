# shellcheck shell=bash
kafka_cluster_pid() { return 1; }
kafka_cluster_stop() { :; }
kafka_cluster_status() { :; }
