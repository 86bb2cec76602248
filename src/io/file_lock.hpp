#pragma once
// An exclusive POSIX record lock on a results file for as long as one process writes it, so a
// second `run --resume` (or a duplicate batch job) cannot write the same file at the same time.
// HDF5's own lock is released once SWMR writing starts, so it cannot serve. The lock goes away
// with the process, also on SIGKILL, so a killed run can always be resumed.
// POSIX locks are per process and file: closing any descriptor of the file in this process drops
// them, so the writer takes the lock after reading the file and keeps HDF5's handle open.
#include <string>

namespace sethlab {

class FileLock {
 public:
  FileLock() = default;
  // Throws InputError naming the path and the process that holds it.
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // The process id holding a write lock on the file, or 0 (also when the file does not exist).
  static long holder(const std::string& path);

 private:
  int fd_ = -1;
};

}  // namespace sethlab
