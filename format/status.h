// Status and Result<T>: the error model of every evtape library.
//
// Contract: library code throws no exceptions across its API and never aborts on input; every
// fallible call returns Status or Result<T>. An OK Status holds no message. Status values are
// plain values: safe to copy and move between threads, not to share mutably.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace evtape {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk,
    kInvalidArgument,  // the caller's input (options, arguments) is wrong
    kNotFound,
    kIOError,
    kNoSpace,
    kCorruption,  // the data read is damaged
    kNotSupported,  // e.g. an unknown format version
    kUnavailable,  // a server or peer is not reachable
    kCancelled,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }
  // "context: strerror(err)"; ENOENT maps to kNotFound and ENOSPC/EDQUOT to kNoSpace.
  static Status FromErrno(std::string_view context, int err);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  const std::string& message() const { return message_; }
  // The message alone for errors ("ok" for OK): what a CLI prints after its own prefix.
  std::string ToString() const { return ok() ? std::string("ok") : message_; }
  // Returns a copy whose message is "prefix: message" (OK stays OK).
  Status WithPrefix(std::string_view prefix) const;
  // Returns a copy whose message is "message" + suffix, e.g. a hint in parentheses (OK stays OK).
  Status WithSuffix(std::string_view suffix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a T or a non-OK Status (std::expected is C++23; g++ 12 builds C++20).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like expected
  Result(Status status) : v_(std::move(status)) {}  // NOLINT; must not be OK
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

#define EVTAPE_CONCAT_INNER(a, b) a##b
#define EVTAPE_CONCAT(a, b) EVTAPE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define EVTAPE_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    if (::evtape::Status evtape_s_ = (expr); !evtape_s_.ok()) return evtape_s_; \
  } while (0)

// `lhs = value of expr` or return its Status.
#define EVTAPE_ASSIGN_OR_RETURN(lhs, expr) \
  EVTAPE_ASSIGN_OR_RETURN_IMPL(EVTAPE_CONCAT(evtape_r_, __LINE__), lhs, expr)
#define EVTAPE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

}  // namespace evtape
