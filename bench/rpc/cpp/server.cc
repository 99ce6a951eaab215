// The ceiling: gRPC C++ (Debian libgrpc++-dev) with the callback API, serving the same trivial
// handlers as our server and the Python one: EmptyCall returns Empty; StreamingOutputCall sends
// one zero-filled response per ResponseParameters. Usage: cpp_server <port> [max_seconds]
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "grpc/testing/test.grpc.pb.h"

using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using grpc::ServerWriteReactor;
using grpc::testing::Empty;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;

class BenchService final : public grpc::testing::TestService::CallbackService {
  ServerUnaryReactor* EmptyCall(CallbackServerContext* context, const Empty*, Empty*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  ServerWriteReactor<StreamingOutputCallResponse>* StreamingOutputCall(
      CallbackServerContext*, const StreamingOutputCallRequest* request) override {
    class Writer : public ServerWriteReactor<StreamingOutputCallResponse> {
     public:
      explicit Writer(const StreamingOutputCallRequest* request) : request_(request) { Next(); }
      void OnWriteDone(bool ok) override {
        if (!ok) { Finish(grpc::Status::CANCELLED); return; }
        Next();
      }
      void OnDone() override { delete this; }

     private:
      void Next() {
        if (index_ >= request_->response_parameters_size()) { Finish(grpc::Status::OK); return; }
        response_.mutable_payload()->set_body(std::string(request_->response_parameters(index_++).size(), '\0'));
        StartWrite(&response_);
      }
      const StreamingOutputCallRequest* request_;
      StreamingOutputCallResponse response_;
      int index_ = 0;
    };
    return new Writer(request);
  }
};

int main(int argc, char** argv) {
  const std::string address = std::string("127.0.0.1:") + (argc > 1 ? argv[1] : "0");
  const int max_seconds = argc > 2 ? std::atoi(argv[2]) : 600;
  BenchService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  std::printf("Server listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::seconds(max_seconds));
    server->Shutdown();
  });
  server->Wait();
  stopper.join();
  return 0;
}
