// Asio and Beast are header-only by default; compiling them once here (with
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION set project-wide)
// keeps every other translation unit small.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
