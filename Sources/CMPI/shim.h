// Open MPI (Debian's libopenmpi-dev, found through pkg-config's ompi-c). MPI's predefined handles
// are macros over Open MPI's globals, which Swift cannot import: these functions return them.
#include <mpi.h>

static inline MPI_Comm ember_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Info ember_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Errhandler ember_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline void *ember_mpi_in_place(void) { return MPI_IN_PLACE; }

static inline MPI_Datatype ember_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype ember_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype ember_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype ember_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype ember_mpi_uint8(void) { return MPI_UINT8_T; }

static inline MPI_Op ember_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op ember_mpi_prod(void) { return MPI_PROD; }
static inline MPI_Op ember_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op ember_mpi_min(void) { return MPI_MIN; }
