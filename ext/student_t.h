/* student_t.h — Student's t tail probabilities (ext/student_t.c). */
#ifndef PERFSQL_STUDENT_T_H
#define PERFSQL_STUDENT_T_H

double student_t_two_sided_p(double t, double df);
double pooled_t_test_p(double mean1, double std1, int n1, double mean2, double std2, int n2);

#endif
