//go:build !unix

package connlimit

// DescriptorBudget is no limit where the open-file limit cannot be read.
func DescriptorBudget() (b *Budget, limit, reserve int) {
	return NewBudget(0), 0, 0
}
