#pragma once
// Boost.Serialization to and from a byte string: how rank 0 ships instances and networks to the
// other ranks (MPI_Bcast of the bytes). Binary archives assume every rank runs the same build on
// the same architecture, which holds for one MPI job.
#include <sstream>
#include <string>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>

namespace sethlab {

template <class T>
std::string to_bytes(const T& value) {
  std::ostringstream os(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(os);
    ar << value;
  }
  return os.str();
}

template <class T>
T from_bytes(const std::string& bytes) {
  std::istringstream is(bytes, std::ios::binary);
  boost::archive::binary_iarchive ar(is);
  T value;
  ar >> value;
  return value;
}

}  // namespace sethlab
