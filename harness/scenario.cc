#include "harness/scenario.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "util/units.h"

namespace evtape::harness {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// One scenario file being read: builds the "FILE: field 'F': expected ..." errors.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  Status Error(const std::string& field, const std::string& what) const {
    return Status::InvalidArgument(path_ + ": field '" + field + "': " + what);
  }
  const std::string& path() const { return path_; }

  // Rejects keys not in `allowed` (typos must not be silently ignored).
  Status CheckKeys(const Json& obj, const std::string& prefix,
                   const std::set<std::string>& allowed) const {
    if (!obj.is_object()) return Error(prefix, "expected a JSON object");
    for (const auto& [key, value] : obj.items()) {
      if (allowed.count(key) == 0) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Error(Join(prefix, key), "unknown field; expected one of: " + list);
      }
    }
    return Status::Ok();
  }
  static std::string Join(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  Status String(const Json& v, const std::string& field, std::string* out) const {
    if (!v.is_string() || v.get<std::string>().empty())
      return Error(field, "expected a non-empty string");
    return Expand(v.get<std::string>(), field, out);
  }
  Status Duration(const Json& v, const std::string& field, int64_t* out, bool allow_zero) const {
    auto ns = v.is_string() ? ParseDurationNs(v.get<std::string>()) : std::nullopt;
    if (!ns || *ns < 0 || (!allow_zero && *ns == 0))
      return Error(field, std::string("expected a ") + (allow_zero ? "" : "positive ") +
                              "duration string like \"250ms\" or \"5s\"");
    *out = *ns;
    return Status::Ok();
  }
  Status Bool(const Json& v, const std::string& field, bool* out) const {
    if (!v.is_boolean()) return Error(field, "expected true or false");
    *out = v.get<bool>();
    return Status::Ok();
  }
  Status StringList(const Json& v, const std::string& field, std::vector<std::string>* out,
                    bool allow_empty) const {
    if (v.is_string()) {  // one string is accepted as a list of one
      std::string s;
      EVTAPE_RETURN_IF_ERROR(String(v, field, &s));
      out->push_back(s);
      return Status::Ok();
    }
    if (!v.is_array() || (!allow_empty && v.empty()))
      return Error(field, std::string("expected ") + (allow_empty ? "an" : "a non-empty") +
                              " array of strings");
    for (size_t i = 0; i < v.size(); ++i) {
      std::string s;
      EVTAPE_RETURN_IF_ERROR(String(v[i], field + "[" + std::to_string(i) + "]", &s));
      out->push_back(s);
    }
    return Status::Ok();
  }
  // Relative paths are relative to the scenario's directory.
  std::string Absolute(const std::string& p) const {
    if (p.empty() || p[0] == '/') return p;
    return (fs::path(dir_) / p).lexically_normal().string();
  }
  void set_dir(std::string d) { dir_ = std::move(d); }

  // ${NAME} expansion; ${LATTICE} and ${NATS_URL} stay for ExpandRunVars.
  Status Expand(const std::string& in, const std::string& field, std::string* out) const {
    out->clear();
    for (size_t i = 0; i < in.size();) {
      if (in.compare(i, 2, "${") != 0) {
        out->push_back(in[i++]);
        continue;
      }
      size_t end = in.find('}', i);
      if (end == std::string::npos)
        return Error(field, "expected '}' after '${' in \"" + in + "\"");
      std::string name = in.substr(i + 2, end - i - 2);
      if (name == "LATTICE" || name == "NATS_URL") {
        *out += "${" + name + "}";
      } else if (name == "SCENARIO_DIR") {
        *out += dir_;
      } else if (name == "EVTAPE_DIR") {
        *out += EvtapeDir();
      } else if (const char* env = std::getenv(name.c_str()); env != nullptr) {
        *out += env;
      } else {
        return Error(field, "variable ${" + name +
                                "} is not set (expected LATTICE, NATS_URL, SCENARIO_DIR, "
                                "EVTAPE_DIR or an environment variable)");
      }
      i = end + 1;
    }
    return Status::Ok();
  }

 private:
  static std::string EvtapeDir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
  }
  std::string path_, dir_;
};

Status ReadReplay(const Reader& r, const Json& j, Scenario* s) {
  EVTAPE_RETURN_IF_ERROR(r.CheckKeys(j, "replay",
                                     {"lattice", "map", "fresh_ids", "shift_time", "seed", "pacing",
                                      "speed", "quiet", "max_wait", "advance_on_expected"}));
  if (j.contains("lattice")) {
    const Json& v = j["lattice"];
    if (!v.is_string() || v.get<std::string>().empty() ||
        v.get<std::string>().find_first_of(".*> \t") != std::string::npos)
      return r.Error("replay.lattice",
                     "expected a lattice id (one subject token, e.g. \"default\")");
    s->lattice = v.get<std::string>();
  }
  if (j.contains("map")) {
    EVTAPE_RETURN_IF_ERROR(r.StringList(j["map"], "replay.map", &s->maps, true));
    for (size_t i = 0; i < s->maps.size(); ++i)
      if (s->maps[i].find('=') == std::string::npos)
        return r.Error("replay.map[" + std::to_string(i) + "]", "expected FROM=TO");
  }
  if (j.contains("fresh_ids"))
    EVTAPE_RETURN_IF_ERROR(r.Bool(j["fresh_ids"], "replay.fresh_ids", &s->fresh_ids));
  if (j.contains("shift_time"))
    EVTAPE_RETURN_IF_ERROR(r.Bool(j["shift_time"], "replay.shift_time", &s->shift_time));
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) return r.Error("replay.seed", "expected an integer >= 0");
    s->seed = j["seed"].get<uint64_t>();
  }
  if (j.contains("pacing")) {
    const Json& v = j["pacing"];
    std::string p = v.is_string() ? v.get<std::string>() : "";
    if (p == "quiescent")
      s->pacing = PacingMode::kQuiescent;
    else if (p == "realtime" || p == "scaled")
      s->pacing = PacingMode::kScaled;
    else
      return r.Error("replay.pacing", "expected \"quiescent\", \"realtime\" or \"scaled\"");
  }
  if (j.contains("speed")) {
    if (!j["speed"].is_number() || !(j["speed"].get<double>() > 0))
      return r.Error("replay.speed", "expected a number > 0 (e.g. 10 for ten times faster)");
    s->speed = j["speed"].get<double>();
  }
  if (j.contains("quiet"))
    EVTAPE_RETURN_IF_ERROR(r.Duration(j["quiet"], "replay.quiet", &s->quiet_ns, false));
  if (j.contains("max_wait"))
    EVTAPE_RETURN_IF_ERROR(r.Duration(j["max_wait"], "replay.max_wait", &s->max_wait_ns, false));
  if (j.contains("advance_on_expected"))
    EVTAPE_RETURN_IF_ERROR(
        r.Bool(j["advance_on_expected"], "replay.advance_on_expected", &s->advance_on_expected));
  return Status::Ok();
}

Status ReadConsumer(const Reader& r, const Json& j, Scenario* s) {
  EVTAPE_RETURN_IF_ERROR(r.CheckKeys(j, "consumer", {"command", "env", "cwd", "ready", "grace"}));
  if (!j.contains("command"))
    return r.Error("consumer.command",
                   "missing; expected an array of strings (program and arguments)");
  if (!j["command"].is_array())
    return r.Error("consumer.command",
                   "expected a non-empty array of strings (program and arguments)");
  EVTAPE_RETURN_IF_ERROR(r.StringList(j["command"], "consumer.command", &s->command, false));
  if (j.contains("env")) {
    if (!j["env"].is_object())
      return r.Error("consumer.env", "expected an object of NAME: \"value\" strings");
    for (const auto& [k, v] : j["env"].items()) {
      if (!v.is_string()) return r.Error("consumer.env." + k, "expected a string value");
      std::string value;
      EVTAPE_RETURN_IF_ERROR(r.Expand(v.get<std::string>(), "consumer.env." + k, &value));
      s->env[k] = value;
    }
  }
  if (j.contains("cwd")) {
    EVTAPE_RETURN_IF_ERROR(r.String(j["cwd"], "consumer.cwd", &s->cwd));
    s->cwd = r.Absolute(s->cwd);
  }
  if (j.contains("grace"))
    EVTAPE_RETURN_IF_ERROR(r.Duration(j["grace"], "consumer.grace", &s->grace_ns, true));
  if (j.contains("ready")) {
    const Json& rd = j["ready"];
    EVTAPE_RETURN_IF_ERROR(r.CheckKeys(rd, "consumer.ready", {"subject", "delay", "timeout"}));
    if (rd.contains("subject") == rd.contains("delay"))
      return r.Error("consumer.ready", "expected exactly one of \"subject\" or \"delay\"");
    if (rd.contains("subject")) {
      EVTAPE_RETURN_IF_ERROR(r.String(rd["subject"], "consumer.ready.subject", &s->ready_subject));
      if (!ValidSubject(ExpandRunVars(s->ready_subject, "l", "u"), true))
        return r.Error("consumer.ready.subject", "expected a NATS subject");
    }
    if (rd.contains("delay"))
      EVTAPE_RETURN_IF_ERROR(
          r.Duration(rd["delay"], "consumer.ready.delay", &s->ready_delay_ns, true));
    if (rd.contains("timeout"))
      EVTAPE_RETURN_IF_ERROR(
          r.Duration(rd["timeout"], "consumer.ready.timeout", &s->ready_timeout_ns, false));
  }
  return Status::Ok();
}

Status ReadResponders(const Reader& r, const Json& j, Scenario* s) {
  if (!j.is_array())
    return r.Error(
        "responders",
        "expected an array of {\"subject\", \"reply\"} or {\"subject\", \"recording\"} objects");
  for (size_t i = 0; i < j.size(); ++i) {
    std::string f = "responders[" + std::to_string(i) + "]";
    EVTAPE_RETURN_IF_ERROR(r.CheckKeys(j[i], f, {"subject", "reply", "reply_text", "recording"}));
    Responder resp;
    resp.field = f;
    if (!j[i].contains("subject"))
      return r.Error(f + ".subject", "missing; expected a subject filter");
    EVTAPE_RETURN_IF_ERROR(r.String(j[i]["subject"], f + ".subject", &resp.subject));
    if (!ValidSubject(ExpandRunVars(resp.subject, "l", "u"), true))
      return r.Error(f + ".subject", "expected a NATS subject filter");
    int n = int(j[i].contains("reply")) + int(j[i].contains("reply_text")) +
            int(j[i].contains("recording"));
    if (n != 1)
      return r.Error(f,
                     "expected exactly one of \"reply\" (JSON), \"reply_text\" or \"recording\"");
    if (j[i].contains("reply")) resp.reply = j[i]["reply"].dump();
    if (j[i].contains("reply_text")) {
      if (!j[i]["reply_text"].is_string()) return r.Error(f + ".reply_text", "expected a string");
      resp.reply = j[i]["reply_text"].get<std::string>();
    }
    if (j[i].contains("recording")) {
      EVTAPE_RETURN_IF_ERROR(r.String(j[i]["recording"], f + ".recording", &resp.recording));
      resp.recording = r.Absolute(resp.recording);
    }
    s->responders.push_back(std::move(resp));
  }
  return Status::Ok();
}

Status ReadNormalize(const Reader& r, const Json& j, Scenario* s) {
  EVTAPE_RETURN_IF_ERROR(r.CheckKeys(j, "normalize", {"ignore", "placeholders"}));
  if (j.contains("ignore")) {
    EVTAPE_RETURN_IF_ERROR(r.StringList(j["ignore"], "normalize.ignore", &s->ignore, true));
    for (size_t i = 0; i < s->ignore.size(); ++i) {
      try {
        (void)Json::json_pointer(s->ignore[i]);
      } catch (const Json::exception&) {
        return r.Error("normalize.ignore[" + std::to_string(i) + "]",
                       "expected a JSON pointer like \"/data/updated_at\"");
      }
    }
  }
  if (j.contains("placeholders")) {
    std::vector<std::string> kinds;
    EVTAPE_RETURN_IF_ERROR(r.StringList(j["placeholders"], "normalize.placeholders", &kinds, true));
    s->ph_ids = s->ph_nkeys = s->ph_times = s->ph_inboxes = false;
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string& k = kinds[i];
      if (k == "ids")
        s->ph_ids = true;
      else if (k == "nkeys")
        s->ph_nkeys = true;
      else if (k == "times")
        s->ph_times = true;
      else if (k == "inboxes")
        s->ph_inboxes = true;
      else
        return r.Error("normalize.placeholders[" + std::to_string(i) + "]",
                       "expected one of \"ids\", \"nkeys\", \"times\", \"inboxes\"");
    }
  }
  return Status::Ok();
}

Status ReadTop(const Reader& r, const Json& j, Scenario* s) {
  EVTAPE_RETURN_IF_ERROR(r.CheckKeys(j, "",
                                     {"name", "fixtures", "replay", "consumer", "observe",
                                      "responders", "normalize", "golden", "order", "timeout"}));
  if (j.contains("name")) EVTAPE_RETURN_IF_ERROR(r.String(j["name"], "name", &s->name));
  if (!j.contains("fixtures"))
    return r.Error("fixtures", "missing; expected an array of recording or .jsonl paths");
  EVTAPE_RETURN_IF_ERROR(r.StringList(j["fixtures"], "fixtures", &s->fixtures, false));
  for (size_t i = 0; i < s->fixtures.size(); ++i) {
    s->fixtures[i] = r.Absolute(s->fixtures[i]);
    if (!fs::exists(s->fixtures[i]))
      return r.Error(
          "fixtures[" + std::to_string(i) + "]",
          "expected an existing recording or .jsonl file; " + s->fixtures[i] + " does not exist");
  }
  if (j.contains("replay")) EVTAPE_RETURN_IF_ERROR(ReadReplay(r, j["replay"], s));
  if (!j.contains("consumer"))
    return r.Error("consumer", "missing; expected an object with \"command\"");
  EVTAPE_RETURN_IF_ERROR(ReadConsumer(r, j["consumer"], s));
  if (!j.contains("observe"))
    return r.Error("observe",
                   "missing; expected an array of subject filters the consumer publishes on");
  EVTAPE_RETURN_IF_ERROR(r.StringList(j["observe"], "observe", &s->observe, false));
  for (size_t i = 0; i < s->observe.size(); ++i)
    if (!ValidSubject(ExpandRunVars(s->observe[i], "l", "u"), true))
      return r.Error("observe[" + std::to_string(i) + "]", "expected a NATS subject filter");
  if (j.contains("responders")) EVTAPE_RETURN_IF_ERROR(ReadResponders(r, j["responders"], s));
  if (j.contains("normalize")) EVTAPE_RETURN_IF_ERROR(ReadNormalize(r, j["normalize"], s));
  if (!j.contains("golden"))
    return r.Error("golden", "missing; expected the path of the golden JSONL file");
  EVTAPE_RETURN_IF_ERROR(r.String(j["golden"], "golden", &s->golden));
  s->golden = r.Absolute(s->golden);
  if (j.contains("order")) {
    std::string o = j["order"].is_string() ? j["order"].get<std::string>() : "";
    if (o == "strict")
      s->order = OrderMode::kStrict;
    else if (o == "per-subject")
      s->order = OrderMode::kPerSubject;
    else if (o == "set")
      s->order = OrderMode::kSet;
    else
      return r.Error("order", "expected \"strict\", \"per-subject\" or \"set\"");
  }
  if (j.contains("timeout"))
    EVTAPE_RETURN_IF_ERROR(r.Duration(j["timeout"], "timeout", &s->timeout_ns, false));
  return Status::Ok();
}

}  // namespace

Result<Scenario> LoadScenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open scenario file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    size_t pos = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    size_t line = 1 + static_cast<size_t>(std::count(
                          text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    return Status::InvalidArgument(path + ": line " + std::to_string(line) +
                                   ": expected a JSON object (not valid JSON)");
  }
  Scenario s;
  s.path = path;
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  s.dir = abs.parent_path().lexically_normal().string();
  s.cwd = s.dir;
  s.name = abs.stem().string();
  Reader r(path);
  r.set_dir(s.dir);
  if (!j.is_object())
    return Status::InvalidArgument(path + ": expected a JSON object at the top level");
  EVTAPE_RETURN_IF_ERROR(ReadTop(r, j, &s));
  if (s.pacing == PacingMode::kQuiescent && j.contains("replay") && j["replay"].contains("speed"))
    return r.Error("replay.speed", "only used with \"pacing\": \"scaled\" or \"realtime\"");
  return s;
}

std::string ExpandRunVars(const std::string& text, const std::string& lattice,
                          const std::string& url) {
  std::string out = text;
  for (auto [var, value] :
       {std::pair<std::string, std::string>{"${LATTICE}", lattice}, {"${NATS_URL}", url}}) {
    for (size_t p = out.find(var); p != std::string::npos; p = out.find(var, p + value.size()))
      out.replace(p, var.size(), value);
  }
  return out;
}

const char* OrderModeName(OrderMode m) {
  switch (m) {
    case OrderMode::kStrict:
      return "strict";
    case OrderMode::kPerSubject:
      return "per-subject";
    case OrderMode::kSet:
      return "set";
  }
  return "strict";
}

}  // namespace evtape::harness
