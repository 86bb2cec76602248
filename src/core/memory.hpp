#pragma once
// Peak resident memory of this process, per measured interval: Linux keeps the high-water mark
// (VmHWM in /proc/self/status) and resets it when "5" is written to /proc/self/clear_refs.
#include <cstdint>

namespace sethlab {

// Resets the high-water mark to the current resident size; false when the kernel refused (the
// peak then covers the whole process lifetime so far).
bool reset_peak_rss();
// VmHWM in bytes (0 when unavailable).
std::uint64_t peak_rss_bytes();

}  // namespace sethlab
