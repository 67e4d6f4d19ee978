package io.aicunet.architecturefixture.bad.adapter.rest;

import io.quarkus.grpc.GrpcService;

/** Breaks 6b: a gRPC service outside adapter.grpc. */
@GrpcService
public class OrderGrpcService {
}
