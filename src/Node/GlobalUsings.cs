// The node's identity and settings (src/Node/Configuration) are what every part of the node is
// built from; one import here instead of one in nearly every file.
global using Federation.Node.Configuration;

// gRPC's status vocabulary (RpcException, Status, StatusCode, ServerCallContext): every service,
// mapping and page that answers a caller or asks a child speaks it.
global using Grpc.Core;
