// server.tls (SPEC §3): the daemon serving HTTPS itself, with a certificate made here by the
// openssl CLI. Clients are real: curl, and a Beast TLS client that verifies the certificate
// against that file and can hold one connection for several requests. The same rules as plain
// HTTP hold (SPEC §4), plus what only TLS has: the handshake deadline, plain HTTP refused on
// the TLS port, close_notify on shutdown, certificate rotation by SIGHUP, bad files at FILE:LINE.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>

#include "harness.hpp"

namespace slwd::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr const char* kSecret = "test-secret";

// A self-signed certificate for localhost and 127.0.0.1, as an operator would make one.
void make_certificate(const TempDir& dir, const std::string& name, const std::string& subject) {
  auto r = run_program({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", dir.file(name + ".key"), "-out", dir.file(name + ".crt"),
                        "-subj", subject, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string serial_of_file(const std::string& cert_file) {
  auto r = run_program({"openssl", "x509", "-in", cert_file, "-noout", "-serial"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto eq = r.out.find('=');
  std::string serial = eq == std::string::npos ? "" : r.out.substr(eq + 1);
  while (!serial.empty() && (serial.back() == '\n' || serial.back() == '\r')) serial.pop_back();
  return serial;
}

// Replaces a file the way a certificate renewal does: a new file renamed over the old one.
void replace_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to + ".new", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(to + ".new", to);
}

// A TLS client on one connection: verifies the daemon's certificate against `ca_file` (and the
// name "localhost"), then sends requests on it. Every step has a 5 s deadline.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& ca_file, int max_version = 0)
      : ssl_(net::ssl::context::tls_client), stream_(ioc_, init(ssl_, ca_file, max_version)) {
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    stream_.set_verify_callback(net::ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(stream_).async_connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
        [this](beast::error_code ec) {
          if (ec) {
            handshake_error_ = ec;
            return;
          }
          stream_.async_handshake(net::ssl::stream_base::client,
                                  [this](beast::error_code e) { handshake_error_ = e; });
        });
    run();
  }

  beast::error_code handshake_error() const { return handshake_error_; }

  // The serial of the certificate the daemon presented, as `openssl x509 -serial` prints it.
  std::string peer_serial() {
    X509* cert = SSL_get1_peer_certificate(stream_.native_handle());
    if (!cert) return "";
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(bn);
    std::string serial = hex;
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(cert);
    return serial;
  }

  std::string peer_subject() {
    X509* cert = SSL_get1_peer_certificate(stream_.native_handle());
    if (!cert) return "";
    char line[256];
    X509_NAME_oneline(X509_get_subject_name(cert), line, sizeof line);
    X509_free(cert);
    return line;
  }

  // Sends raw bytes (one request, or several pipelined).
  beast::error_code send(const std::string& bytes) {
    beast::error_code result;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    net::async_write(stream_, net::buffer(bytes),
                     [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    return result;
  }

  // Reads one response; status 0 when the connection ended (error() says how).
  HttpResult read_response() {
    HttpResult out;
    bhttp::response<bhttp::string_body> response;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    bhttp::async_read(stream_, buffer_, response,
                      [&](beast::error_code ec, std::size_t) { read_error_ = ec; });
    run();
    if (read_error_) return out;
    out.status = response.result_int();
    out.body = response.body();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    return out;
  }

  HttpResult post(const std::string& body, const std::string& signature,
                  const std::string& request_id) {
    std::string request =
        "POST /webhooks/smartlead HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nX-Smartlead-Signature: " +
        signature + "\r\nX-Request-Id: " + request_id +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (send(request)) return {};
    return read_response();
  }

  beast::error_code read_error() const { return read_error_; }

 private:
  static net::ssl::context& init(net::ssl::context& ssl, const std::string& ca_file,
                                 int max_version) {
    ssl.load_verify_file(ca_file);
    ssl.set_verify_mode(net::ssl::verify_peer);
    if (max_version) {
      SSL_CTX_set_max_proto_version(ssl.native_handle(), max_version);
      if (max_version < TLS1_2_VERSION) {
        // Let this client offer the old protocol at all; the daemon must be the one refusing.
        SSL_CTX_set_min_proto_version(ssl.native_handle(), TLS1_VERSION);
        SSL_CTX_set_cipher_list(ssl.native_handle(), "DEFAULT:@SECLEVEL=0");
      }
    }
    return ssl;
  }

  void run() {
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  net::ssl::context ssl_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  beast::error_code handshake_error_;
  beast::error_code read_error_;
};

std::string tls_config(const std::string& extra_server = "") {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 1
  header_timeout: 1s
)" + extra_server +
         R"(  tls:
    cert_file: "{{DIR}}/server.crt"
    key_file: "{{DIR}}/server.key"
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - { name: audit, type: file, path: "{{DIR}}/events.jsonl" }
logging: { level: info, format: json }
)";
}

class Https : public ::testing::Test {
 protected:
  void SetUp() override {
    make_certificate(dir_, "server", "/CN=localhost");
    daemon_ = std::make_unique<Daemon>(dir_, tls_config());
    daemon_->start();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << daemon_->log();
  }

  std::string ca() const { return dir_.file("server.crt"); }
  bool recorded(const std::string& request_id) const {
    return read_file(dir_.file("events.jsonl")).find(request_id) != std::string::npos;
  }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(Https, SignedPostsAreAnsweredAsOnPlainHttpAndDelivered) {
  // curl: an independent client, verifying the certificate and its name.
  std::string body = sample_reply_body("over tls");
  write_file(dir_.file("body"), body);
  std::string port = std::to_string(daemon_->port());
  auto ok = run_program(
      {"curl", "-sS", "--cacert", ca(), "--resolve", "localhost:" + port + ":127.0.0.1", "-o",
       dir_.file("answer"), "-w", "%{http_code}", "--data-binary", "@" + dir_.file("body"), "-H",
       "Content-Type: application/json", "-H", "X-Smartlead-Signature: " + sign(kSecret, body),
       "-H", "X-Request-Id: tls-1", "https://localhost:" + port + "/webhooks/smartlead"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "200");
  EXPECT_EQ(read_file(dir_.file("answer")), R"({"received":true})");
  ASSERT_TRUE(eventually([&] { return recorded("tls-1"); }));

  TlsClient again(daemon_->port(), ca());
  ASSERT_FALSE(again.handshake_error()) << again.handshake_error().message();
  auto dup = again.post(body, sign(kSecret, body), "tls-1");
  EXPECT_EQ(dup.status, 200u);
  EXPECT_EQ(dup.body, R"({"status":"already_processed"})");

  TlsClient forged(daemon_->port(), ca());
  auto bad = forged.post(body, "sha256=" + std::string(64, '0'), "tls-2");
  EXPECT_EQ(bad.status, 401u);
  EXPECT_EQ(bad.body, R"({"error":"invalid signature"})");
  EXPECT_FALSE(recorded("tls-2"));
}

TEST_F(Https, OneConnectionCarriesKeepAliveAndPipelinedRequests) {
  TlsClient client(daemon_->port(), ca());
  ASSERT_FALSE(client.handshake_error()) << client.handshake_error().message();
  for (const char* id : {"ka-1", "ka-2"}) {
    std::string body = sample_reply_body(id);
    auto r = client.post(body, sign(kSecret, body), id);
    EXPECT_EQ(r.status, 200u) << id;
    EXPECT_EQ(r.headers.count("connection"), 0u) << "kept open: " << id;
  }
  // Two requests in one write: two answers, in order, on the same connection.
  std::string pipelined;
  for (const char* id : {"pl-1", "pl-2"}) {
    std::string body = sample_reply_body(id);
    pipelined +=
        "POST /webhooks/smartlead HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        "application/json\r\nX-Smartlead-Signature: " +
        sign(kSecret, body) + "\r\nX-Request-Id: " + id +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  ASSERT_FALSE(client.send(pipelined));
  EXPECT_EQ(client.read_response().body, R"({"received":true})");
  EXPECT_EQ(client.read_response().body, R"({"received":true})");
  ASSERT_TRUE(eventually([&] { return recorded("ka-1") && recorded("ka-2") && recorded("pl-2"); }));
}

TEST_F(Https, PlainHttpOnTheTlsPortIsNeverProcessed) {
  std::string body = sample_reply_body("plain");
  RawConnection raw(daemon_->port());
  raw.send(
      "POST /webhooks/smartlead HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "X-Smartlead-Signature: " +
      sign(kSecret, body) +
      "\r\nX-Request-Id: plain-1\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  for (const auto& answer : raw.read_responses(1, std::chrono::seconds(3))) {
    EXPECT_EQ(answer.status, 400u);  // closing without an answer is fine too
  }
  EXPECT_TRUE(raw.closed_within(std::chrono::seconds(3)));
  // The port still serves TLS, and the plain request left no trace.
  TlsClient client(daemon_->port(), ca());
  EXPECT_FALSE(client.handshake_error()) << client.handshake_error().message();
  EXPECT_FALSE(recorded("plain-1"));
}

TEST_F(Https, TlsOlderThan12IsRefused) {
  TlsClient tls11(daemon_->port(), ca(), TLS1_1_VERSION);
  EXPECT_TRUE(tls11.handshake_error());
  TlsClient tls12(daemon_->port(), ca(), TLS1_2_VERSION);
  ASSERT_FALSE(tls12.handshake_error()) << tls12.handshake_error().message();
  std::string body = sample_reply_body("tls12");
  EXPECT_EQ(tls12.post(body, sign(kSecret, body), "tls12-1").status, 200u);
}

TEST_F(Https, AClientThatNeverSendsAClientHelloIsClosedAtHeaderTimeout) {
  RawConnection silent(daemon_->port());  // TCP only: no handshake ever starts
  // With one io thread, the silent client must not hold it: others are served meanwhile.
  TlsClient client(daemon_->port(), ca());
  ASSERT_FALSE(client.handshake_error()) << client.handshake_error().message();
  std::string body = sample_reply_body("meanwhile");
  EXPECT_EQ(client.post(body, sign(kSecret, body), "mw-1").status, 200u);
  // header_timeout is 1s, counted from accept.
  EXPECT_TRUE(silent.closed_within(std::chrono::seconds(4)));
}

TEST_F(Https, SighupServesARenewedCertificateToNewConnections) {
  TlsClient before(daemon_->port(), ca());
  ASSERT_FALSE(before.handshake_error()) << before.handshake_error().message();
  const std::string old_serial = serial_of_file(dir_.file("server.crt"));
  EXPECT_EQ(before.peer_serial(), old_serial);
  std::string first = sample_reply_body("before");
  // A request now: an idle keep-alive connection waits idle_timeout, not header_timeout (1 s).
  ASSERT_EQ(before.post(first, sign(kSecret, first), "rot-0").status, 200u);

  make_certificate(dir_, "renewed", "/CN=localhost/O=Renewed");
  const std::string new_serial = serial_of_file(dir_.file("renewed.crt"));
  ASSERT_NE(new_serial, old_serial);
  replace_file(dir_.file("renewed.key"), dir_.file("server.key"));
  replace_file(dir_.file("renewed.crt"), dir_.file("server.crt"));
  daemon_->signal(SIGHUP);

  std::string seen;
  ASSERT_TRUE(eventually([&] {
    TlsClient probe(daemon_->port(), dir_.file("renewed.crt"));
    seen = probe.handshake_error() ? "" : probe.peer_serial();
    return seen == new_serial;
  })) << "still serving "
      << seen;
  TlsClient after(daemon_->port(), dir_.file("renewed.crt"));
  EXPECT_NE(after.peer_subject().find("O=Renewed"), std::string::npos) << after.peer_subject();
  EXPECT_TRUE(daemon_->running());  // the same process: no restart

  // The connection made before the reload goes on with the certificate it started with.
  std::string body = sample_reply_body("old conn");
  EXPECT_EQ(before.post(body, sign(kSecret, body), "rot-1").status, 200u);
  EXPECT_EQ(before.peer_serial(), old_serial);

  // A broken renewal keeps the running certificate, and says where the problem is.
  write_file(dir_.file("server.crt"), "not a certificate\n");
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(
      eventually([&] { return daemon_->log().find("reload refused") != std::string::npos; }));
  EXPECT_NE(daemon_->log().find(daemon_->config_path() + ":"), std::string::npos);
  EXPECT_NE(daemon_->log().find("holds no PEM certificate"), std::string::npos);
  TlsClient still(daemon_->port(), dir_.file("renewed.crt"));
  ASSERT_FALSE(still.handshake_error()) << still.handshake_error().message();
  EXPECT_EQ(still.peer_serial(), new_serial);
}

TEST_F(Https, SigtermClosesIdleConnectionsWithCloseNotify) {
  TlsClient idle(daemon_->port(), ca());
  ASSERT_FALSE(idle.handshake_error()) << idle.handshake_error().message();
  std::string body = sample_reply_body("idle");
  ASSERT_EQ(idle.post(body, sign(kSecret, body), "idle-1").status, 200u);
  daemon_->signal(SIGTERM);
  // The next read sees the daemon's close_notify: a clean end of stream, not "stream truncated"
  // (a TCP close without it).
  EXPECT_EQ(idle.read_response().status, 0u);
  EXPECT_EQ(idle.read_error(), bhttp::error::end_of_stream) << idle.read_error().message();
  EXPECT_EQ(daemon_->wait_exit(std::chrono::seconds(10)), 0);
}

// A config whose `tls:` key is on line 4 (the FILE:LINE every TLS file problem is reported at).
std::string config_with_tls(const TempDir& dir, const std::string& cert, const std::string& key) {
  return "server:\n"
         "  listen: \"127.0.0.1:18443\"\n"
         "  # certificate from the test\n"
         "  tls:\n"
         "    cert_file: \"" +
         cert +
         "\"\n"
         "    key_file: \"" +
         key +
         "\"\n"
         "endpoints:\n"
         "  - { path: /webhooks/smartlead, secrets: [\"test-secret\"] }\n"
         "store:\n"
         "  sqlite: { path: \"" +
         dir.file("store.db") +
         "\" }\n"
         "handlers:\n"
         "  - { name: audit, type: log }\n";
}

TEST(HttpsConfig, UnusableFilesAreReportedAtTheTlsLineByCheckConfigAndServe) {
  TempDir dir;
  make_certificate(dir, "server", "/CN=localhost");
  make_certificate(dir, "other", "/CN=other");
  struct Case {
    std::string cert, key, message;
  };
  const std::vector<Case> cases = {
      {dir.file("server.crt"), dir.file("missing.key"),
       "server.tls.key_file: cannot read \"" + dir.file("missing.key") +
           "\": No such file or directory"},
      {dir.file("server.crt"), dir.file("other.key"),
       "server.tls: the private key in \"" + dir.file("other.key") +
           "\" does not belong to the certificate in \"" + dir.file("server.crt") + "\""},
      {dir.file("server.key"), dir.file("server.key"),
       "server.tls.cert_file: \"" + dir.file("server.key") + "\" holds no PEM certificate"},
  };
  const std::string key_text = read_file(dir.file("other.key"));
  const std::string key_line = key_text.substr(key_text.find('\n') + 1, 40);  // base64 of the key
  for (const auto& c : cases) {
    const std::string path = dir.file("config.yaml");
    write_file(path, config_with_tls(dir, c.cert, c.key));
    for (const char* command : {"check-config", "serve"}) {
      auto r = run_cli({command, "--config", path});
      EXPECT_EQ(r.exit_code, 1) << command << ": " << r.out << r.err;
      EXPECT_NE(r.err.find(path + ":4: " + c.message), std::string::npos)
          << command << " said: " << r.err;
      EXPECT_EQ(r.err.find(key_line), std::string::npos) << "key material in: " << r.err;
      EXPECT_EQ(r.out.find("ok"), std::string::npos) << command;
    }
  }
  write_file(dir.file("config.yaml"),
             config_with_tls(dir, dir.file("server.crt"), dir.file("server.key")));
  auto good = run_cli({"check-config", "--config", dir.file("config.yaml")});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

}  // namespace
}  // namespace slwd::testing
