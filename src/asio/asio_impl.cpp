// Asio and Beast are header-only by default; compiling them once here (with
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION set project-wide)
// keeps every other translation unit small. Asio's SSL layer (the TLS listener) too.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
