#pragma once
// Result and Error are public (applications see them in every fallible call); the library
// includes them from here so that lib/ code names one header for them.
#include "kafkit/result.hpp"
