#include "wasmcloud/type_filter.h"

#include <algorithm>

#include "wasmcloud/cloudevent_peek.h"

namespace evtape::wasmcloud {
namespace {

class TypeFilter : public PayloadFilter {
 public:
  explicit TypeFilter(std::vector<std::string> types) : types_(std::move(types)) {}
  bool Matches(std::string_view payload) const override {
    thread_local std::string type;
    if (!PeekJsonString(payload, "type", &type)) return false;
    return std::find(types_.begin(), types_.end(), type) != types_.end();
  }

 private:
  std::vector<std::string> types_;
};

}  // namespace

Result<std::shared_ptr<const PayloadFilter>> MakeTypeFilter(std::vector<std::string> types) {
  if (types.empty()) return Status::InvalidArgument("--type: no type given");
  for (const auto& t : types) {
    if (t.empty()) return Status::InvalidArgument("--type: the type must not be empty");
  }
  return std::shared_ptr<const PayloadFilter>(std::make_shared<TypeFilter>(std::move(types)));
}

}  // namespace evtape::wasmcloud
