// Deployment, part 2 (issue #6): the files under docker/ — every YAML parses, the Kubernetes
// objects carry what a rollout needs, compose runs Redis safely, every daemon config shipped
// there passes check-config with the secrets and variables its deployment provides, and the
// Dockerfile's runtime stage has every library the binary needs.
#include <gtest/gtest.h>

#include <iterator>
#include <regex>
#include <sstream>

#include "deploy_support.hpp"
#include "harness.hpp"

namespace slwd::testing {
namespace {

namespace fs = deploy::fs;

std::vector<YAML::Node> load_all(const fs::path& file) {
  return YAML::LoadAllFromFile(file.string());
}

// The k8s objects of docker/k8s by kind (first of each kind; redis.yaml holds two kinds).
std::map<std::string, std::vector<YAML::Node>> k8s_objects() {
  std::map<std::string, std::vector<YAML::Node>> by_kind;
  for (const auto& entry : fs::directory_iterator(deploy::docker_dir() / "k8s")) {
    if (entry.path().filename() == "kustomization.yaml") continue;
    for (const auto& doc : load_all(entry.path()))
      by_kind[doc["kind"].as<std::string>()].push_back(doc);
  }
  return by_kind;
}

YAML::Node deployment() {
  return k8s_objects()["Deployment"].at(0);
}
YAML::Node daemon_container() {
  return deployment()["spec"]["template"]["spec"]["containers"][0];
}
std::string k8s_config_text() {
  return k8s_objects()["ConfigMap"].at(0)["data"]["config.yaml"].as<std::string>();
}

// A container port by name or number -> number.
int container_port(const YAML::Node& container, const YAML::Node& port) {
  if (port.IsScalar() && std::regex_match(port.as<std::string>(), std::regex("\\d+")))
    return port.as<int>();
  for (const auto& p : container["ports"]) {
    if (p["name"] && p["name"].as<std::string>() == port.as<std::string>())
      return p["containerPort"].as<int>();
  }
  return -1;
}

bool labels_match(const YAML::Node& selector, const YAML::Node& labels) {
  if (!selector || !selector.IsMap() || selector.size() == 0) return false;
  for (const auto& kv : selector) {
    auto key = kv.first.as<std::string>();
    if (!labels[key] || labels[key].as<std::string>() != kv.second.as<std::string>()) return false;
  }
  return true;
}

TEST(DockerFiles, EveryYamlParses) {
  auto files = deploy::docker_yaml_files();
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    try {
      auto docs = load_all(file);
      EXPECT_FALSE(docs.empty()) << file;
      for (const auto& doc : docs) EXPECT_TRUE(doc.IsMap()) << file;
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << file << ": " << e.what();
    }
  }
}

TEST(Kubernetes, EveryObjectHasKindApiVersionAndNameAndKustomizeListsEveryFile) {
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(deploy::docker_dir() / "k8s")) {
    auto name = entry.path().filename().string();
    if (name == "kustomization.yaml") continue;
    files.insert(name);
    for (const auto& doc : load_all(entry.path())) {
      EXPECT_TRUE(doc["apiVersion"] && doc["kind"]) << name;
      EXPECT_FALSE(doc["metadata"]["name"].as<std::string>("").empty()) << name;
    }
  }
  auto kustomization = YAML::LoadFile((deploy::docker_dir() / "k8s/kustomization.yaml").string());
  std::set<std::string> listed;
  for (const auto& r : kustomization["resources"]) listed.insert(r.as<std::string>());
  EXPECT_EQ(listed, files);
  auto kinds = k8s_objects();
  for (const char* kind :
       {"Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "Secret", "StatefulSet"}) {
    EXPECT_TRUE(kinds.count(kind)) << kind;
  }
}

TEST(Kubernetes, DeploymentRunsTwoProbedHardenedReplicas) {
  auto d = deployment();
  EXPECT_EQ(d["apiVersion"].as<std::string>(), "apps/v1");
  EXPECT_EQ(d["spec"]["replicas"].as<int>(), 2);
  auto pod = d["spec"]["template"];
  EXPECT_TRUE(labels_match(d["spec"]["selector"]["matchLabels"], pod["metadata"]["labels"]));
  auto c = daemon_container();

  auto config = YAML::Load(k8s_config_text());
  int admin_port = deploy::listen_port(config["admin"]["listen"].as<std::string>());
  auto readiness = c["readinessProbe"]["httpGet"];
  auto liveness = c["livenessProbe"]["httpGet"];
  EXPECT_EQ(readiness["path"].as<std::string>(), "/readyz");
  EXPECT_EQ(liveness["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(container_port(c, readiness["port"]), admin_port) << "probes belong on the admin port";
  EXPECT_EQ(container_port(c, liveness["port"]), admin_port);

  // The pod outlives its drain: grace > preStop sleep + shutdown_timeout.
  auto pre_stop = c["lifecycle"]["preStop"]["exec"]["command"];
  ASSERT_TRUE(pre_stop && pre_stop[0].as<std::string>() == "sleep");
  long sleep_s = std::stol(pre_stop[1].as<std::string>());
  EXPECT_GE(sleep_s, 3);
  auto grace = deploy::duration_seconds(config["server"]["shutdown_timeout"].as<std::string>());
  ASSERT_TRUE(grace);
  EXPECT_GT(pod["spec"]["terminationGracePeriodSeconds"].as<long>(), sleep_s + *grace);

  for (const char* kind : {"requests", "limits"}) {
    EXPECT_TRUE(c["resources"][kind]["memory"] && c["resources"][kind]["cpu"]) << kind;
  }
  EXPECT_TRUE(pod["spec"]["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_GT(pod["spec"]["securityContext"]["runAsUser"].as<int>(), 0);
  auto sc = c["securityContext"];
  EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>());
  ASSERT_TRUE(sc["capabilities"]["drop"]);
  EXPECT_EQ(sc["capabilities"]["drop"][0].as<std::string>(), "ALL");
  // threads: 0 would size by the node's cores, whatever the pod's cpu limit.
  EXPECT_GT(config["server"]["threads"].as<int>(), 0);
}

TEST(Kubernetes, ServiceAndPdbSelectTheDaemonPods) {
  auto kinds = k8s_objects();
  auto pod_labels = deployment()["spec"]["template"]["metadata"]["labels"];
  auto config = YAML::Load(k8s_config_text());
  const YAML::Node* service = nullptr;
  for (const auto& s : kinds["Service"]) {
    if (s["metadata"]["name"].as<std::string>() ==
        deployment()["metadata"]["name"].as<std::string>())
      service = &s;
  }
  ASSERT_TRUE(service);
  EXPECT_TRUE(labels_match((*service)["spec"]["selector"], pod_labels));
  ASSERT_EQ((*service)["spec"]["ports"].size(), 1u)
      << "only the public port: the admin port stays in-cluster";
  EXPECT_EQ(container_port(daemon_container(), (*service)["spec"]["ports"][0]["targetPort"]),
            deploy::listen_port(config["server"]["listen"].as<std::string>()));

  auto pdb = kinds["PodDisruptionBudget"].at(0);
  EXPECT_EQ(pdb["apiVersion"].as<std::string>(), "policy/v1");
  EXPECT_EQ(pdb["spec"]["minAvailable"].as<int>(), 1);
  EXPECT_TRUE(labels_match(pdb["spec"]["selector"]["matchLabels"], pod_labels));
}

TEST(Kubernetes, RedisPersistsWithAofNeverEvictsAndHasAService) {
  auto kinds = k8s_objects();
  auto sts = kinds["StatefulSet"].at(0);
  auto args = sts["spec"]["template"]["spec"]["containers"][0]["args"];
  std::string joined;
  for (const auto& a : args) joined += a.as<std::string>() + " ";
  EXPECT_NE(joined.find("--appendonly yes"), std::string::npos) << joined;
  EXPECT_NE(joined.find("--appendfsync everysec"), std::string::npos) << joined;
  EXPECT_NE(joined.find("--maxmemory-policy noeviction"), std::string::npos) << joined;
  ASSERT_TRUE(sts["spec"]["volumeClaimTemplates"]);
  auto claim = sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"].as<std::string>();
  bool mounted = false;
  for (const auto& m : sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]) {
    mounted |= m["name"].as<std::string>() == claim && m["mountPath"].as<std::string>() == "/data";
  }
  EXPECT_TRUE(mounted) << "the AOF must live on the persistent volume";
  bool has_service = false;
  for (const auto& s : kinds["Service"]) {
    has_service |=
        s["metadata"]["name"].as<std::string>() == sts["spec"]["serviceName"].as<std::string>();
  }
  EXPECT_TRUE(has_service);
}

TEST(Kubernetes, ConfigMapConfigPassesCheckConfigWithTheSecretFilesThePodGets) {
  auto config_text = k8s_config_text();
  auto config = YAML::Load(config_text);
  EXPECT_EQ(config["store"]["type"].as<std::string>(), "redis");
  auto c = daemon_container();
  auto pod = deployment()["spec"]["template"]["spec"];
  std::map<std::string, std::string> env;
  for (const auto& e : c["env"]) env[e["name"].as<std::string>()] = e["value"].as<std::string>("");
  std::map<std::string, std::string> mounts;  // volume -> mountPath
  for (const auto& m : c["volumeMounts"])
    mounts[m["name"].as<std::string>()] = m["mountPath"].as<std::string>();

  // --config points into the ConfigMap's mount.
  std::string args;
  for (const auto& a : c["args"]) args += a.as<std::string>() + " ";
  YAML::Node secret_volume;
  for (const auto& v : pod["volumes"]) {
    if (v["configMap"]) {
      EXPECT_EQ(v["configMap"]["name"].as<std::string>(),
                k8s_objects()["ConfigMap"].at(0)["metadata"]["name"].as<std::string>());
      EXPECT_NE(args.find("--config " + mounts[v["name"].as<std::string>()] + "/config.yaml"),
                std::string::npos)
          << args;
    }
    if (v["secret"]) secret_volume.reset(v);  // rebind: operator= would write into the node
  }
  ASSERT_TRUE(secret_volume);
  auto secret = k8s_objects()["Secret"].at(0);
  EXPECT_EQ(secret_volume["secret"]["secretName"].as<std::string>(),
            secret["metadata"]["name"].as<std::string>());
  // Every ${VAR} without default is set in the container, SECRETS_DIR at the Secret's mount.
  for (const auto& name : deploy::required_variables(config_text))
    EXPECT_TRUE(env.count(name)) << name;
  EXPECT_EQ(env["SECRETS_DIR"], mounts[secret_volume["name"].as<std::string>()]);

  // The files the pod gets (the items of the Secret volume, with the Secret's values).
  TempDir secrets;
  for (const auto& item : secret_volume["secret"]["items"]) {
    auto key = item["key"].as<std::string>();
    ASSERT_TRUE(secret["stringData"][key]) << key << " is not in the Secret";
    write_file(secrets.file(item["path"].as<std::string>()),
               secret["stringData"][key].as<std::string>() + "\n");
  }
  env["SECRETS_DIR"] = secrets.path().string();
  auto check = deploy::check_config(config_text, env);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out, "ok\n");
  // The placeholder Redis URL carries the same password the StatefulSet is given.
  auto password = secret["stringData"]["redis_password"].as<std::string>();
  EXPECT_NE(secret["stringData"]["redis_url"].as<std::string>().find(":" + password + "@"),
            std::string::npos);
}

TEST(Compose, TwoReplicasOnARedisWithAofAndNoEviction) {
  auto compose = YAML::LoadFile((deploy::docker_dir() / "compose.yaml").string());
  auto daemon = compose["services"]["webhookd"];
  ASSERT_TRUE(daemon);
  EXPECT_EQ(daemon["deploy"]["replicas"].as<int>(), 2);
  EXPECT_EQ(daemon["build"]["dockerfile"].as<std::string>(), "docker/Dockerfile");
  EXPECT_TRUE(fs::exists(deploy::docker_dir() / daemon["build"]["context"].as<std::string>() /
                         daemon["build"]["dockerfile"].as<std::string>()));
  auto command = compose["services"]["redis"]["command"].as<std::string>();
  for (const char* flag :
       {"--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction"}) {
    EXPECT_NE(command.find(flag), std::string::npos) << flag;
  }
  EXPECT_GT(*deploy::duration_seconds(daemon["stop_grace_period"].as<std::string>()), 20);
}

TEST(Compose, ConfigPassesCheckConfigWithTheComposeEnvironmentAndSecrets) {
  auto compose = YAML::LoadFile((deploy::docker_dir() / "compose.yaml").string());
  auto daemon = compose["services"]["webhookd"];
  std::string config_file;
  std::string target;
  for (const auto& c : daemon["configs"]) {
    config_file = compose["configs"][c["source"].as<std::string>()]["file"].as<std::string>();
    target = c["target"].as<std::string>();
  }
  std::map<std::string, std::string> env;
  static const std::regex default_form(R"(^\$\{[A-Za-z_]+:-(.*)\}$)");  // compose's own ${X:-d}
  for (const auto& kv : daemon["environment"]) {
    std::smatch m;
    auto value = kv.second.as<std::string>();
    env[kv.first.as<std::string>()] = std::regex_match(value, m, default_form) ? m[1].str() : value;
  }
  EXPECT_EQ(env["SMARTLEAD_WEBHOOKD_CONFIG"], target);
  EXPECT_EQ(env["SECRETS_DIR"], "/run/secrets") << "where compose mounts secrets";
  auto config_text = read_file((deploy::docker_dir() / config_file).string());
  EXPECT_EQ(YAML::Load(config_text)["store"]["type"].as<std::string>(), "redis");
  for (const auto& name : deploy::required_variables(config_text))
    EXPECT_TRUE(env.count(name)) << name;
  TempDir secrets;
  for (const auto& s : daemon["secrets"]) {
    auto name = s.as<std::string>();
    EXPECT_TRUE(compose["secrets"][name]) << name;
    write_file(secrets.file(name), "placeholder-" + name + "\n");
  }
  env["SECRETS_DIR"] = secrets.path().string();
  auto check = deploy::check_config(config_text, env);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

// ---- docker/Dockerfile ----------------------------------------------------------------------

struct Instruction {
  std::string op;    // FROM, RUN, ...
  std::string args;  // continuation lines joined
};

std::vector<Instruction> dockerfile() {
  std::vector<Instruction> out;
  std::istringstream in(read_file((deploy::docker_dir() / "Dockerfile").string()));
  std::string pending;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    bool more = !line.empty() && line.back() == '\\';
    if (more) line.pop_back();
    pending += line + " ";
    if (more) continue;
    auto space = pending.find(' ');
    out.push_back({pending.substr(0, space), pending.substr(space + 1)});
    pending.clear();
  }
  return out;
}

std::string script_value(const std::string& name) {
  auto script = read_file((deploy::source_dir() / "scripts/container-build.sh").string());
  std::smatch m;
  EXPECT_TRUE(std::regex_search(script, m, std::regex(name + "=([^\\s]+)"))) << name;
  return m[1];
}

TEST(Dockerfile, MultiStageNonRootWithHealthcheckPortsAndStopSignal) {
  auto steps = dockerfile();
  std::vector<std::string> from;
  std::map<std::string, std::string> last;
  for (const auto& s : steps) {
    if (s.op == "FROM") from.push_back(s.args);
    last[s.op] = s.args;
    if (s.op == "RUN") {
      // Every RUN is a container-build.sh step that exists, so the test suite runs them too.
      std::smatch m;
      ASSERT_TRUE(std::regex_search(s.args, m, std::regex(R"(container-build\.sh (\w[\w-]*))")))
          << s.args;
      EXPECT_TRUE(m[1] == "deps" || m[1] == "build" || m[1] == "runtime") << m[1];
    }
    if (s.op == "COPY" && s.args.find("--from=") == std::string::npos) {
      std::istringstream words(s.args);
      std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
      for (std::size_t i = 0; i + 1 < w.size(); ++i) {
        EXPECT_TRUE(fs::exists(deploy::source_dir() / w[i]))
            << w[i] << " (COPY from the repository root)";
      }
    }
  }
  ASSERT_EQ(from.size(), 2u);
  EXPECT_EQ(from[0].rfind("debian:12 AS build", 0), 0u) << from[0];
  EXPECT_EQ(from[1].rfind("debian:12-slim", 0), 0u) << from[1];

  auto uid = script_value("SLWD_UID");
  EXPECT_EQ(last["USER"].substr(0, last["USER"].find(':')), uid);
  EXPECT_NE(uid, "0");
  EXPECT_EQ(
      deployment()["spec"]["template"]["spec"]["securityContext"]["runAsUser"].as<std::string>(),
      uid);

  auto image_config = YAML::LoadFile((deploy::docker_dir() / "container/config.yaml").string());
  auto admin_port =
      std::to_string(deploy::listen_port(image_config["admin"]["listen"].as<std::string>()));
  auto public_port =
      std::to_string(deploy::listen_port(image_config["server"]["listen"].as<std::string>()));
  EXPECT_NE(last["HEALTHCHECK"].find(":" + admin_port + "/healthz"), std::string::npos)
      << last["HEALTHCHECK"];
  EXPECT_NE(last["HEALTHCHECK"].find("curl"), std::string::npos);
  std::istringstream runtime(
      deploy::run_command(
          {(deploy::source_dir() / "scripts/container-build.sh").string(), "runtime-packages"})
          .out);
  std::set<std::string> packages{std::istream_iterator<std::string>(runtime), {}};
  EXPECT_TRUE(packages.count("curl")) << "the HEALTHCHECK needs curl in the runtime image";
  EXPECT_EQ(last["EXPOSE"].find(public_port), 0u) << last["EXPOSE"];
  EXPECT_NE(last["EXPOSE"].find(admin_port), std::string::npos) << last["EXPOSE"];
  EXPECT_EQ(last["STOPSIGNAL"], "SIGTERM ");
}

TEST(Dockerfile, ImageDefaultConfigPassesCheckConfig) {
  auto text = read_file((deploy::docker_dir() / "container/config.yaml").string());
  auto check = deploy::check_config(text, {{"SMARTLEAD_WEBHOOK_SECRET", "placeholder"}});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

// The runtime stage installs only SLWD_RUNTIME_PACKAGES on debian:12-slim: each library the
// binary links directly must come from one of them or from what the slim image already has.
TEST(Dockerfile, RuntimePackagesProvideEveryLibraryTheBinaryLinks) {
  if (!deploy::have_program("dpkg-query") || !deploy::have_program("readelf")) {
    GTEST_SKIP() << "not a Debian system with binutils";
  }
  std::istringstream list(
      deploy::run_command(
          {(deploy::source_dir() / "scripts/container-build.sh").string(), "runtime-packages"})
          .out);
  std::set<std::string> packages{std::istream_iterator<std::string>(list), {}};
  ASSERT_FALSE(packages.empty());
  for (const char* base : {"libc6", "libstdc++6", "libgcc-s1", "zlib1g"}) packages.insert(base);

  auto needed = deploy::run_command({"readelf", "-d", SLWD_DAEMON_BIN}).out;
  auto ldd = deploy::run_command({"ldd", SLWD_DAEMON_BIN}).out;
  static const std::regex needed_re(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
  int checked = 0;
  for (auto it = std::sregex_iterator(needed.begin(), needed.end(), needed_re);
       it != std::sregex_iterator(); ++it) {
    std::string soname = (*it)[1];
    // Sanitizer runtimes (scripts/test.sh's second suite): the image is built without them.
    if (std::regex_search(soname, std::regex("^lib(a|ub|l|t)san\\."))) continue;
    std::smatch where;
    ASSERT_TRUE(std::regex_search(
        ldd, where,
        std::regex(std::regex_replace(soname, std::regex(R"([.+])"), R"(\$&)") + R"( => (\S+))")))
        << soname;
    auto real = fs::canonical(where[1].str()).string();
    std::string owner;
    for (const auto& candidate :
         {real, std::regex_replace(real, std::regex("^/usr/lib/"), "/lib/")}) {
      auto r = deploy::run_command({"dpkg-query", "-S", candidate});
      if (r.exit_code == 0) {
        owner = r.out.substr(0, r.out.find(':'));
        break;
      }
    }
    if (owner.empty()) continue;  // not from a package (a locally built library): nothing to check
    EXPECT_TRUE(packages.count(owner))
        << soname << " comes from " << owner << ", which the runtime stage does not install";
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace slwd::testing
